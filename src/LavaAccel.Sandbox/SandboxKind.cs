namespace LavaAccel.Sandbox;

/// <summary>How a job is isolated.</summary>
public enum SandboxKind
{
    /// <summary>An OCI container run by runc: namespaces, read-only root, seccomp, cgroup limits.</summary>
    Oci,

    /// <summary>bubblewrap: namespaces, read-only root, seccomp; no cgroup limits.</summary>
    Bwrap,

    /// <summary>A plain child process (the worker's own seccomp filter still applies).</summary>
    None,
}

/// <summary>Parsing, naming and the default choice of <see cref="SandboxKind"/>.</summary>
public static class SandboxKinds
{
    /// <summary>The CLI name: <c>oci</c>, <c>bwrap</c>, <c>none</c>.</summary>
    public static string Name(this SandboxKind kind) => kind switch
    {
        SandboxKind.Oci => "oci",
        SandboxKind.Bwrap => "bwrap",
        _ => "none",
    };

    /// <summary>Parses <c>oci|bwrap|none|auto</c>; <c>auto</c> is <see cref="Default"/>.</summary>
    public static SandboxKind Parse(string text) => text switch
    {
        "oci" => SandboxKind.Oci,
        "bwrap" => SandboxKind.Bwrap,
        "none" => SandboxKind.None,
        "auto" => Default(),
        _ => throw new LavaException($"--sandbox {text}: expected oci, bwrap, none or auto"),
    };

    /// <summary>
    /// Parses the isolation of a service's jobs (<c>lava serve</c>, <c>lava node</c>): users'
    /// kernels always run in a container there; <c>none</c> is refused.
    /// </summary>
    public static SandboxKind ParseForService(string text) =>
        Parse(text) is var kind && kind == SandboxKind.None
            ? throw new LavaException("--sandbox none is not for a service: users' kernels run in containers (oci or bwrap)")
            : kind;

    /// <summary>
    /// oci where runc can run containers (root, runc installed), else bwrap where bubblewrap is
    /// installed. There is no silent fall-back to no isolation: without either, this says what to
    /// install.
    /// </summary>
    public static SandboxKind Default()
    {
        if (HostTools.Runc is not null && Environment.IsPrivilegedProcess)
        {
            return SandboxKind.Oci;
        }
        if (HostTools.Bwrap is not null)
        {
            return SandboxKind.Bwrap;
        }
        throw new LavaException("no sandbox is available: install runc (root) or bubblewrap (apt-get install runc bubblewrap), or run with --sandbox none to run kernels without isolation");
    }
}
