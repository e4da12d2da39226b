using LavaAccel.Devices;

namespace LavaAccel.Scheduling;

/// <summary>A device of a node as the scheduler sees it: its profile, the targets it runs, and its live state.</summary>
public sealed class DeviceSlot
{
    /// <summary>Creates a slot.</summary>
    public DeviceSlot(DeviceProfile profile, IReadOnlyList<string> targets, double slowdown = 1, double startupSeconds = 0)
    {
        Profile = profile;
        Targets = targets;
        Slowdown = slowdown;
        StartupSeconds = startupSeconds;
    }

    /// <summary>The device.</summary>
    public DeviceProfile Profile { get; }

    /// <summary>Targets this build can compile for that run on the device, best first.</summary>
    public IReadOnlyList<string> Targets { get; }

    /// <summary>Run-time multiplier for emulated targets (AArch64 under qemu on an x86-64 host), 1 otherwise.</summary>
    public double Slowdown { get; }

    /// <summary>
    /// What every job on the device pays besides its kernel: the worker's and the device runtime's
    /// start in the sandbox (PoCL builds the SPIR for each job; a .NET worker starts).
    /// </summary>
    public double StartupSeconds { get; }

    /// <summary>Seconds of work already queued on the device (live state).</summary>
    public double QueueSeconds { get; set; }

    /// <summary>Variants already compiled on this node: (kernel key, target) pairs.</summary>
    public HashSet<(string KernelKey, string Target)> Cached { get; } = [];
}
