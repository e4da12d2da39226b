using Silk.NET.OpenCL;

namespace LavaAccel.Devices.Discovery;

/// <summary>OpenCL platforms and devices (PoCL here) through Silk.NET.OpenCL; no ICD loader or no platform → none.</summary>
public static unsafe class OpenClDiscovery
{
    /// <summary>Every OpenCL device as a profile.</summary>
    public static IReadOnlyList<DeviceProfile> Discover()
    {
        try
        {
            using var cl = CL.GetApi();
            uint count;
            if (cl.GetPlatformIDs(0, null, &count) != (int)ErrorCodes.Success || count == 0)
            {
                return [];
            }
            var platforms = new nint[count];
            fixed (nint* p = platforms)
            {
                cl.GetPlatformIDs(count, p, null);
            }
            var profiles = new List<DeviceProfile>();
            foreach (var platform in platforms)
            {
                uint devices;
                if (cl.GetDeviceIDs(platform, DeviceType.All, 0, null, &devices) != (int)ErrorCodes.Success || devices == 0)
                {
                    continue;
                }
                var ids = new nint[devices];
                fixed (nint* d = ids)
                {
                    cl.GetDeviceIDs(platform, DeviceType.All, devices, d, null);
                }
                var platformName = PlatformText(cl, platform, PlatformInfo.Name);
                profiles.AddRange(ids.Select((device, index) => Describe(cl, device, platformName, profiles.Count + index)));
            }
            return profiles;
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException or FileNotFoundException or InvalidOperationException)
        {
            return []; // no OpenCL here: absent hardware is not an error
        }
    }

    private static DeviceProfile Describe(CL cl, nint device, string platform, int index)
    {
        var type = Number<ulong>(cl, device, DeviceInfo.Type);
        var extensions = Text(cl, device, DeviceInfo.Extensions).Split(' ', StringSplitOptions.RemoveEmptyEntries);
        var kind = (type & (ulong)DeviceType.Gpu) != 0 ? "gpu" : (type & (ulong)DeviceType.Accelerator) != 0 ? "fpga" : "cpu";
        var ingests = new List<string> { "opencl-c" };
        if (extensions.Contains("cl_khr_spir"))
        {
            ingests.Add("spir");
        }
        if (extensions.Contains("cl_khr_il_program"))
        {
            ingests.Add("spirv");
        }
        return new DeviceProfile
        {
            Id = $"opencl-{index}",
            Kind = kind,
            Vendor = Text(cl, device, DeviceInfo.Vendor),
            Model = Text(cl, device, DeviceInfo.Name),
            Isa = new DeviceIsa { Arch = Text(cl, device, DeviceInfo.Version), Features = extensions.Where(e => e is "cl_khr_fp64" or "cl_khr_fp16" or "cl_khr_int64_base_atomics" or "cl_khr_global_int32_base_atomics" or "cl_khr_spir" or "cl_khr_il_program").ToArray() },
            ComputeUnits = (int)Number<uint>(cl, device, DeviceInfo.MaxComputeUnits),
            ClockGhz = new DeviceClock { Boost = Number<uint>(cl, device, DeviceInfo.MaxClockFrequency) / 1000.0 },
            Memory = new DeviceMemory { SizeGib = Math.Round(Number<ulong>(cl, device, DeviceInfo.GlobalMemSize) / (double)(1L << 30), 2), Type = $"local memory {Number<ulong>(cl, device, DeviceInfo.LocalMemSize) / 1024} KiB" },
            Targets = [],
            Ingests = ingests,
            Toolchains = [platform],
            Sources = [new DeviceSource { Title = $"discovered through OpenCL platform '{platform}'", Url = "opencl://" + Uri.EscapeDataString(platform) }],
            Notes = "LavaAccel has no OpenCL backend yet: listed for discovery, not scheduled",
        };
    }

    private static T Number<T>(CL cl, nint device, DeviceInfo info) where T : unmanaged
    {
        T value = default;
        cl.GetDeviceInfo(device, info, (nuint)sizeof(T), &value, null);
        return value;
    }

    private static string Text(CL cl, nint device, DeviceInfo info)
    {
        nuint size;
        cl.GetDeviceInfo(device, info, 0, null, &size);
        var bytes = new byte[size];
        fixed (byte* p = bytes)
        {
            cl.GetDeviceInfo(device, info, size, p, null);
        }
        return System.Text.Encoding.UTF8.GetString(bytes).TrimEnd('\0').Trim();
    }

    private static string PlatformText(CL cl, nint platform, PlatformInfo info)
    {
        nuint size;
        cl.GetPlatformInfo(platform, info, 0, null, &size);
        var bytes = new byte[size];
        fixed (byte* p = bytes)
        {
            cl.GetPlatformInfo(platform, info, size, p, null);
        }
        return System.Text.Encoding.UTF8.GetString(bytes).TrimEnd('\0').Trim();
    }
}
