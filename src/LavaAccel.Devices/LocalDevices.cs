using LavaAccel.Devices.Discovery;

namespace LavaAccel.Devices;

/// <summary>Every device of this machine: the CPU, OpenCL devices, NVIDIA GPUs (each when present).</summary>
public static class LocalDevices
{
    /// <summary>Discovers the devices; <paramref name="lavaHome"/> caches the bandwidth probe per boot.</summary>
    public static IReadOnlyList<DeviceProfile> Discover(string lavaHome) =>
        [CpuDiscovery.Discover(BandwidthProbe.GigabytesPerSecond(lavaHome)), .. OpenClDiscovery.Discover(), .. CudaDiscovery.Discover()];
}
