namespace LavaAccel.Sandbox;

/// <summary>
/// The sandboxes' files under one directory (<c>LAVA_HOME/sandbox</c>): the shared read-only root
/// file system, one bundle, job directory and variant directory per container, runc's state.
/// </summary>
public sealed class SandboxState
{
    /// <summary>Uses <paramref name="root"/>, creating what is missing.</summary>
    public SandboxState(string root)
    {
        Root = Path.GetFullPath(root);
        Directory.CreateDirectory(Jobs);
        Directory.CreateDirectory(Bundles);
        Directory.CreateDirectory(Variants);
        Directory.CreateDirectory(RuncRoot);
    }

    /// <summary>The directory.</summary>
    public string Root { get; }

    /// <summary>Job directories, one per container.</summary>
    public string Jobs => Path.Combine(Root, "jobs");

    /// <summary>OCI bundles.</summary>
    public string Bundles => Path.Combine(Root, "bundles");

    /// <summary>Directories each holding one container's variant (mounted read-only).</summary>
    public string Variants => Path.Combine(Root, "variants");

    /// <summary>runc's <c>--root</c>.</summary>
    public string RuncRoot => Path.Combine(Root, "runc");

    /// <summary>The empty read-only root file system every container shares.</summary>
    public string RootFs
    {
        get
        {
            var rootfs = Path.Combine(Root, "rootfs");
            foreach (var dir in new[] { "usr", "lava/runtime", "job", "variant", "proc", "dev", "sys" })
            {
                Directory.CreateDirectory(Path.Combine(rootfs, dir));
            }
            foreach (var (link, target) in new[] { ("lib", "usr/lib"), ("lib64", "usr/lib64"), ("bin", "usr/bin"), ("sbin", "usr/sbin") })
            {
                var path = Path.Combine(rootfs, link);
                if (!File.Exists(path) && !Directory.Exists(path))
                {
                    try
                    {
                        File.CreateSymbolicLink(path, target);
                    }
                    catch (IOException) when (File.Exists(path) || Directory.Exists(path))
                    {
                        // Made at the same moment by another process.
                    }
                }
            }
            return rootfs;
        }
    }

    /// <summary>A fresh id: <c>lava-PID-</c> and 12 hex digits (the pid of the lava process that owns it).</summary>
    public static string NewId() => $"lava-{Environment.ProcessId}-" + Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(6));

    /// <summary>The owning process of a sandbox id, or null for ids of another form.</summary>
    public static int? OwnerOf(string id)
    {
        var parts = id.Split('-');
        return parts.Length == 3 && parts[0] == "lava" && int.TryParse(parts[1], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var pid) ? pid : null;
    }
}
