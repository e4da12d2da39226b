using LavaAccel.Backends;
using LavaAccel.Devices.Discovery;

namespace LavaAccel.Devices;

/// <summary>
/// Every device of this machine — the CPU, OpenCL devices, NVIDIA GPUs (each when present) — with
/// the targets the backends run on it (<see cref="BackendRegistry.TargetsOn"/>): the one answer
/// <c>lava devices</c>, the service's device view, node registration and placement share.
/// </summary>
public static class LocalDevices
{
    /// <summary>Discovers the devices; <paramref name="lavaHome"/> caches the bandwidth probe per boot.</summary>
    public static IReadOnlyList<DeviceProfile> Discover(string lavaHome) =>
        [.. new[] { CpuDiscovery.Discover(BandwidthProbe.GigabytesPerSecond(lavaHome)) }.Concat(OpenClDiscovery.Discover()).Concat(CudaDiscovery.Discover())
            .Select(device => device with { Targets = [.. BackendRegistry.TargetsOn(device).Select(t => t.ToString())] })];

    /// <summary>Every target some device of this machine runs.</summary>
    public static IReadOnlyList<string> Targets(string lavaHome) => [.. Discover(lavaHome).SelectMany(d => d.Targets).Distinct(StringComparer.Ordinal)];
}
