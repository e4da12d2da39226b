using System.Text;
using Silk.NET.OpenCL;

namespace LavaAccel.OpenCl;

/// <summary>
/// One OpenCL device with a context and an in-order queue, through the system's ICD loader
/// (Silk.NET.OpenCL). PoCL is the one this project tests on.
/// </summary>
public sealed unsafe class OpenClDevice : IDisposable
{
    private OpenClDevice(CL cl, nint device, OpenClDeviceInfo info)
    {
        Api = cl;
        Handle = device;
        Info = info;
        int error;
        var d = device;
        Context = cl.CreateContext(null, 1, &d, null, null, &error);
        OpenClErrors.Check(error, "clCreateContext");
        Queue = cl.CreateCommandQueue(Context, device, CommandQueueProperties.None, &error);
        OpenClErrors.Check(error, "clCreateCommandQueue");
    }

    /// <summary>What the device is.</summary>
    public OpenClDeviceInfo Info { get; }

    internal CL Api { get; }

    internal nint Handle { get; }

    internal nint Context { get; }

    internal nint Queue { get; }

    /// <summary>CL_DEVICE_NAME.</summary>
    public string Name => Info.Name;

    /// <summary>CL_DEVICE_VERSION.</summary>
    public string Version => Info.Version;

    /// <summary>CL_DEVICE_EXTENSIONS.</summary>
    public IReadOnlySet<string> Extensions => Info.Extensions;

    /// <summary>Whether the device takes SPIR 1.2 bitcode (cl_khr_spir).</summary>
    public bool IngestsSpir => Info.IngestsSpir;

    /// <summary>Every OpenCL device of every platform (none without an OpenCL runtime: absent hardware is not an error).</summary>
    public static IReadOnlyList<OpenClDeviceInfo> Enumerate()
    {
        CL cl;
        try
        {
            cl = CL.GetApi();
        }
        catch (Exception e) when (e is DllNotFoundException or FileNotFoundException or InvalidOperationException)
        {
            return [];
        }
        using (cl)
        {
            return [.. Devices(cl, DeviceType.All).Select(d => Describe(cl, d.Platform, d.Device))];
        }
    }

    /// <summary>The first device of <paramref name="kind"/> that satisfies <paramref name="accept"/>, opened, or null with the reason.</summary>
    public static OpenClDevice? Find(OpenClDeviceKind kind, Func<OpenClDevice, bool> accept, out string? whyNot)
    {
        var type = kind switch
        {
            OpenClDeviceKind.Cpu => DeviceType.Cpu,
            OpenClDeviceKind.Gpu => DeviceType.Gpu,
            OpenClDeviceKind.Accelerator => DeviceType.Accelerator,
            _ => DeviceType.All,
        };
        CL cl;
        try
        {
            cl = CL.GetApi();
        }
        catch (Exception e) when (e is DllNotFoundException or FileNotFoundException or InvalidOperationException)
        {
            whyNot = "no OpenCL runtime (apt-get install ocl-icd-libopencl1 pocl-opencl-icd)";
            return null;
        }
        var devices = Devices(cl, type);
        if (devices.Count == 0)
        {
            whyNot = "no OpenCL platform or device is installed (apt-get install pocl-opencl-icd)";
            cl.Dispose();
            return null;
        }
        foreach (var (platform, id) in devices)
        {
            var device = new OpenClDevice(cl, id, Describe(cl, platform, id));
            if (accept(device))
            {
                whyNot = null;
                return device;
            }
            device.Release();
        }
        whyNot = "no OpenCL device here takes this form";
        cl.Dispose();
        return null;
    }

    private static List<(nint Platform, nint Device)> Devices(CL cl, DeviceType type)
    {
        var found = new List<(nint, nint)>();
        uint count;
        if (cl.GetPlatformIDs(0, null, &count) != (int)ErrorCodes.Success || count == 0)
        {
            return found;
        }
        var platforms = new nint[count];
        fixed (nint* p = platforms)
        {
            OpenClErrors.Check(cl.GetPlatformIDs(count, p, null), "clGetPlatformIDs");
        }
        foreach (var platform in platforms)
        {
            uint devices;
            if (cl.GetDeviceIDs(platform, type, 0, null, &devices) != (int)ErrorCodes.Success || devices == 0)
            {
                continue;
            }
            var ids = new nint[devices];
            fixed (nint* d = ids)
            {
                OpenClErrors.Check(cl.GetDeviceIDs(platform, type, devices, d, null), "clGetDeviceIDs");
            }
            found.AddRange(ids.Select(id => (platform, id)));
        }
        return found;
    }

    private static OpenClDeviceInfo Describe(CL cl, nint platform, nint device)
    {
        var type = Number<ulong>(cl, device, DeviceInfo.Type);
        var kind = (type & (ulong)DeviceType.Gpu) != 0 ? OpenClDeviceKind.Gpu
            : (type & (ulong)DeviceType.Accelerator) != 0 ? OpenClDeviceKind.Accelerator
            : OpenClDeviceKind.Cpu;
        return new OpenClDeviceInfo(
            PlatformText(cl, platform), Text(cl, device, DeviceInfo.Name), Text(cl, device, DeviceInfo.Vendor), Text(cl, device, DeviceInfo.Version), kind,
            Text(cl, device, DeviceInfo.Extensions).Split(' ', StringSplitOptions.RemoveEmptyEntries).ToHashSet(StringComparer.Ordinal),
            (int)Number<uint>(cl, device, DeviceInfo.MaxComputeUnits), (int)Number<uint>(cl, device, DeviceInfo.MaxClockFrequency),
            (long)Number<ulong>(cl, device, DeviceInfo.GlobalMemSize), (long)Number<ulong>(cl, device, DeviceInfo.LocalMemSize));
    }

    private static T Number<T>(CL cl, nint device, DeviceInfo info) where T : unmanaged
    {
        T value = default;
        cl.GetDeviceInfo(device, info, (nuint)sizeof(T), &value, null);
        return value;
    }

    private static string Text(CL cl, nint device, DeviceInfo what)
    {
        nuint size;
        cl.GetDeviceInfo(device, what, 0, null, &size);
        var bytes = new byte[size];
        fixed (byte* p = bytes)
        {
            cl.GetDeviceInfo(device, what, size, p, null);
        }
        return Encoding.UTF8.GetString(bytes).TrimEnd('\0').Trim();
    }

    private static string PlatformText(CL cl, nint platform)
    {
        nuint size;
        cl.GetPlatformInfo(platform, PlatformInfo.Name, 0, null, &size);
        var bytes = new byte[size];
        fixed (byte* p = bytes)
        {
            cl.GetPlatformInfo(platform, PlatformInfo.Name, size, p, null);
        }
        return Encoding.UTF8.GetString(bytes).TrimEnd('\0').Trim();
    }

    private void Release()
    {
        Api.ReleaseCommandQueue(Queue);
        Api.ReleaseContext(Context);
    }

    /// <summary>Releases the queue, the context and the API.</summary>
    public void Dispose()
    {
        Release();
        Api.Dispose();
    }
}
