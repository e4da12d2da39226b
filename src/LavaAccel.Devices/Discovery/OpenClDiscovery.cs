using LavaAccel.OpenCl;

namespace LavaAccel.Devices.Discovery;

/// <summary>OpenCL devices (through <see cref="OpenClDevice.Enumerate"/>), as device profiles.</summary>
public static class OpenClDiscovery
{
    private static readonly string[] Features = ["cl_khr_fp64", "cl_khr_fp16", "cl_khr_int64_base_atomics", "cl_khr_global_int32_base_atomics", "cl_khr_spir", "cl_khr_il_program"];

    /// <summary>Every OpenCL device as a profile (none without an OpenCL runtime).</summary>
    public static IReadOnlyList<DeviceProfile> Discover() =>
        [.. OpenClDevice.Enumerate().Select((device, index) => new DeviceProfile
        {
            Id = $"opencl-{index}",
            Kind = device.Kind switch { OpenClDeviceKind.Gpu => "gpu", OpenClDeviceKind.Accelerator => "fpga", _ => "cpu" },
            Vendor = device.Vendor,
            Model = device.Name,
            Isa = new DeviceIsa { Arch = device.Version, Features = [.. Features.Where(device.Extensions.Contains)] },
            ComputeUnits = device.ComputeUnits,
            ClockGhz = new DeviceClock { Boost = device.ClockMhz / 1000.0 },
            Memory = new DeviceMemory { SizeGib = Math.Round(device.GlobalMemoryBytes / (double)(1L << 30), 2), Type = $"local memory {device.LocalMemoryBytes / 1024} KiB" },
            Ingests = ["opencl-c", .. device.IngestsSpir ? ["spir"] : Array.Empty<string>(), .. device.IngestsSpirv ? ["spirv"] : Array.Empty<string>()],
            Toolchains = [device.Platform],
            Sources = [new DeviceSource { Title = $"discovered through OpenCL platform '{device.Platform}'", Url = "opencl://" + Uri.EscapeDataString(device.Platform) }],
        })];
}
