using System.Text;
using Silk.NET.OpenCL;

namespace LavaAccel.OpenCl;

/// <summary>
/// One OpenCL device with a context and an in-order queue, through the system's ICD loader
/// (Silk.NET.OpenCL). PoCL is the one this project tests on.
/// </summary>
public sealed unsafe class OpenClDevice : IDisposable
{
    private OpenClDevice(CL cl, nint device)
    {
        Api = cl;
        Handle = device;
        int error;
        var d = device;
        Context = cl.CreateContext(null, 1, &d, null, null, &error);
        OpenClErrors.Check(error, "clCreateContext");
        Queue = cl.CreateCommandQueue(Context, device, CommandQueueProperties.None, &error);
        OpenClErrors.Check(error, "clCreateCommandQueue");
        Name = Text(DeviceInfo.Name);
        Version = Text(DeviceInfo.Version);
        Extensions = Text(DeviceInfo.Extensions).Split(' ', StringSplitOptions.RemoveEmptyEntries).ToHashSet(StringComparer.Ordinal);
    }

    internal CL Api { get; }

    internal nint Handle { get; }

    internal nint Context { get; }

    internal nint Queue { get; }

    /// <summary>CL_DEVICE_NAME.</summary>
    public string Name { get; }

    /// <summary>CL_DEVICE_VERSION.</summary>
    public string Version { get; }

    /// <summary>CL_DEVICE_EXTENSIONS.</summary>
    public IReadOnlySet<string> Extensions { get; }

    /// <summary>Whether the device takes SPIR 1.2 bitcode (cl_khr_spir).</summary>
    public bool IngestsSpir => Extensions.Contains("cl_khr_spir");

    /// <summary>The first device of <paramref name="type"/> that satisfies <paramref name="accept"/>, or null with the reason.</summary>
    public static OpenClDevice? Find(DeviceType type, Func<OpenClDevice, bool> accept, out string? whyNot)
    {
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
        uint count;
        if (cl.GetPlatformIDs(0, null, &count) != (int)ErrorCodes.Success || count == 0)
        {
            whyNot = "no OpenCL platform is installed (apt-get install pocl-opencl-icd)";
            cl.Dispose();
            return null;
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
            foreach (var id in ids)
            {
                var device = new OpenClDevice(cl, id);
                if (accept(device))
                {
                    whyNot = null;
                    return device;
                }
                device.Release();
            }
        }
        whyNot = "no OpenCL device here takes this form";
        cl.Dispose();
        return null;
    }

    private string Text(DeviceInfo what)
    {
        nuint size;
        Api.GetDeviceInfo(Handle, what, 0, null, &size);
        var bytes = new byte[size];
        fixed (byte* p = bytes)
        {
            Api.GetDeviceInfo(Handle, what, size, p, null);
        }
        return Encoding.ASCII.GetString(bytes).TrimEnd('\0');
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
