using System.Runtime.InteropServices;
using LavaAccel.Backends;
using LavaAccel.Backends.Cpu;

namespace LavaAccel.Sandbox;

/// <summary>
/// What a container holds besides the job: <c>/usr</c> read-only (libc, and qemu-aarch64 with its
/// AArch64 sysroot for AArch64 variants), the native runtime (the worker) read-only at
/// <c>/lava/runtime</c>, and the job directory at <c>/job</c>. Nothing from <c>/etc</c>,
/// <c>/home</c>, <c>/root</c> or <c>/var</c>.
/// </summary>
public static class WorkerImage
{
    /// <summary>Where the native runtime is mounted inside a container.</summary>
    public const string RuntimeInside = "/lava/runtime";

    /// <summary>Where the job directory is mounted inside a container.</summary>
    public const string JobInside = "/job";

    /// <summary>
    /// The worker's command line for <paramref name="arch"/>, with the runtime at
    /// <paramref name="runtimeDirectory"/> (the host's, or <see cref="RuntimeInside"/>).
    /// </summary>
    public static IReadOnlyList<string> Command(string arch, string runtimeDirectory)
    {
        var runner = Path.Combine(runtimeDirectory, $"lava-runner-{arch}");
        if (arch == "aarch64" && RuntimeInformation.OSArchitecture != Architecture.Arm64)
        {
            var qemu = QemuAarch64.Path ?? throw new LavaException("AArch64 variants need qemu-aarch64 on this x86-64 machine (apt-get install qemu-user)");
            return [qemu, "-L", QemuAarch64.SysRoot, runner, "--wait"];
        }
        return [runner, "--wait"];
    }

    /// <summary>The host's native runtime directory (the workers and host objects).</summary>
    public static string HostRuntime => NativeRuntime.Root;
}
