namespace LavaAccel.Sandbox.Seccomp;

/// <summary>Which system calls a container's filter allows beyond <see cref="SeccompAllowlist.Names"/>.</summary>
public enum SyscallProfile
{
    /// <summary>lava's native worker running a CPU variant: threads, no new processes.</summary>
    Worker,

    /// <summary>
    /// A device runtime (PoCL, the CUDA driver) in lava's native worker: it writes its compile
    /// cache and starts the linker at the first launch, so files in its private /tmp and new
    /// processes are allowed — still with no network, as uid 65534 on a read-only root.
    /// </summary>
    DeviceRuntime,

    /// <summary>A .NET worker (lava-ilgpu-worker): the runtime's own needs, threads only.</summary>
    Managed,
}
