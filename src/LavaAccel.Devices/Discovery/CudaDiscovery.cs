using System.Runtime.InteropServices;

namespace LavaAccel.Devices.Discovery;

/// <summary>
/// NVIDIA GPUs through the CUDA driver API (libcuda.so.1), when it is installed. No driver, no GPU,
/// or an initialisation error → no devices (absent hardware is not an error).
/// </summary>
public static unsafe class CudaDiscovery
{
    private const int AttributeClockRateKhz = 13;
    private const int AttributeMultiprocessorCount = 16;
    private const int AttributeMemoryClockKhz = 36;
    private const int AttributeMemoryBusWidth = 37;
    private const int AttributeComputeCapabilityMajor = 75;
    private const int AttributeComputeCapabilityMinor = 76;

    /// <summary>Every CUDA device as a profile.</summary>
    public static IReadOnlyList<DeviceProfile> Discover()
    {
        if (!NativeLibrary.TryLoad("libcuda.so.1", out var library))
        {
            return [];
        }
        try
        {
            var init = (delegate* unmanaged<uint, int>)NativeLibrary.GetExport(library, "cuInit");
            var getCount = (delegate* unmanaged<int*, int>)NativeLibrary.GetExport(library, "cuDeviceGetCount");
            var get = (delegate* unmanaged<int*, int, int>)NativeLibrary.GetExport(library, "cuDeviceGet");
            var getName = (delegate* unmanaged<byte*, int, int, int>)NativeLibrary.GetExport(library, "cuDeviceGetName");
            var totalMem = (delegate* unmanaged<nuint*, int, int>)NativeLibrary.GetExport(library, "cuDeviceTotalMem_v2");
            var attribute = (delegate* unmanaged<int*, int, int, int>)NativeLibrary.GetExport(library, "cuDeviceGetAttribute");
            int count;
            if (init(0) != 0 || getCount(&count) != 0)
            {
                return [];
            }
            var profiles = new List<DeviceProfile>();
            var name = stackalloc byte[256];
            for (var ordinal = 0; ordinal < count; ordinal++)
            {
                int handle;
                if (get(&handle, ordinal) != 0)
                {
                    continue;
                }
                var device = handle;
                getName(name, 256, device);
                nuint bytes;
                totalMem(&bytes, device);
                int Attribute(int which)
                {
                    int value;
                    return attribute(&value, which, device) == 0 ? value : 0;
                }
                var sm = $"sm_{Attribute(AttributeComputeCapabilityMajor)}{Attribute(AttributeComputeCapabilityMinor)}";
                var bandwidth = 2.0 * Attribute(AttributeMemoryClockKhz) * 1e3 * (Attribute(AttributeMemoryBusWidth) / 8.0) / 1e9;
                profiles.Add(new DeviceProfile
                {
                    Id = $"cuda-{ordinal}",
                    Kind = "gpu",
                    Vendor = "NVIDIA",
                    Model = Marshal.PtrToStringUTF8((nint)name) ?? "NVIDIA GPU",
                    Isa = new DeviceIsa { Arch = sm },
                    ComputeUnits = Attribute(AttributeMultiprocessorCount),
                    ClockGhz = new DeviceClock { Boost = Attribute(AttributeClockRateKhz) / 1e6 },
                    Memory = new DeviceMemory { SizeGib = Math.Round(bytes / (double)(1L << 30), 2), BandwidthGbs = Math.Round(bandwidth, 1), Type = "device memory" },
                    Targets = [],
                    Ingests = ["ptx"],
                    Toolchains = ["cuda-driver"],
                    Sources = [new DeviceSource { Title = "discovered through the CUDA driver API", Url = "cuda://" + ordinal }],
                    Notes = "LavaAccel's PTX backend is not built yet: listed for discovery, not scheduled",
                });
            }
            return profiles;
        }
        catch (EntryPointNotFoundException)
        {
            return [];
        }
        finally
        {
            NativeLibrary.Free(library);
        }
    }
}
