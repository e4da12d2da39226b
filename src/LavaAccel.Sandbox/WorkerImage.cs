using LavaAccel.Sandbox.Seccomp;

namespace LavaAccel.Sandbox;

/// <summary>
/// What a sandbox holds besides the job, and the worker it starts: its command line (inside a
/// container and as a plain child process), the host directories it needs read-only (at the same
/// path inside), device nodes, environment, a private writable <c>/tmp</c>, and the system calls it
/// may make. Every container holds <c>/usr</c> read-only, the job directory at <c>/job</c> and the
/// variant's directory at <c>/variant</c>; nothing from <c>/etc</c>, <c>/home</c>, <c>/root</c> or
/// <c>/var</c> unless an image names it. <see cref="WorkerImages"/> makes the images lava runs.
/// </summary>
/// <param name="Key">Names the image in pools and logs (<c>native-x86_64</c>, <c>opencl</c>, …).</param>
/// <param name="Command">The worker's command line inside a container (it must speak the <c>--wait</c> protocol).</param>
/// <param name="HostCommand">The same worker started as a plain child process (<c>--sandbox none</c>).</param>
/// <param name="Syscalls">What the container's seccomp filter lets the worker do.</param>
public sealed record WorkerImage(string Key, IReadOnlyList<string> Command, IReadOnlyList<string> HostCommand, SyscallProfile Syscalls)
{
    /// <summary>Where the native runtime is mounted inside a container.</summary>
    public const string RuntimeInside = "/lava/runtime";

    /// <summary>Where the job directory is mounted inside a container.</summary>
    public const string JobInside = "/job";

    /// <summary>Where the variant's directory is mounted inside a container.</summary>
    public const string VariantInside = "/variant";

    /// <summary>Host directories or files bound read-only at the same path inside (the ICD files, the .NET runtime, …).</summary>
    public IReadOnlyList<string> ReadOnlyPaths { get; init; } = [];

    /// <summary>Device nodes (<c>/dev/nvidia0</c>, …) bound into the container and allowed by its device cgroup.</summary>
    public IReadOnlyList<string> Devices { get; init; } = [];

    /// <summary>The worker's whole environment (nothing of lava's own is passed on).</summary>
    public IReadOnlyDictionary<string, string> Environment { get; init; } = DefaultEnvironment;

    /// <summary>Whether the worker gets a private, writable, size-bounded <c>/tmp</c> (a device runtime's compile cache).</summary>
    public bool PrivateTmp { get; init; }

    /// <summary>The size of the private <c>/tmp</c>.</summary>
    public const long PrivateTmpBytes = 512L << 20;

    /// <summary>PATH only.</summary>
    public static IReadOnlyDictionary<string, string> DefaultEnvironment { get; } = new Dictionary<string, string>(StringComparer.Ordinal) { ["PATH"] = "/usr/bin:/bin" };
}
