using LavaAccel.Cuda;

namespace LavaAccel.Devices.Discovery;

/// <summary>NVIDIA GPUs (through <see cref="CudaDevice.Enumerate"/>), as device profiles.</summary>
public static class CudaDiscovery
{
    /// <summary>Every CUDA device as a profile (none without a driver or a GPU).</summary>
    public static IReadOnlyList<DeviceProfile> Discover() =>
        [.. CudaDevice.Enumerate().Select(gpu => new DeviceProfile
        {
            Id = $"cuda-{gpu.Ordinal}",
            Kind = "gpu",
            Vendor = "NVIDIA",
            Model = gpu.Name,
            Isa = new DeviceIsa { Arch = $"sm_{gpu.ComputeCapability}" },
            ComputeUnits = gpu.Multiprocessors,
            ClockGhz = new DeviceClock { Boost = gpu.ClockKhz / 1e6 },
            Memory = new DeviceMemory { SizeGib = Math.Round(gpu.MemoryBytes / (double)(1L << 30), 2), BandwidthGbs = Math.Round(gpu.BandwidthGbs, 1), Type = "device memory" },
            Ingests = ["ptx"],
            Toolchains = ["cuda-driver"],
            Sources = [new DeviceSource { Title = "discovered through the CUDA driver API", Url = "cuda://" + gpu.Ordinal }],
        })];
}
