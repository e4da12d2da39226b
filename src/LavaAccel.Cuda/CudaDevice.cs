namespace LavaAccel.Cuda;

/// <summary>One CUDA device, its primary context made current on the calling thread.</summary>
public sealed unsafe class CudaDevice
{
    private readonly nint _context;

    private CudaDevice(int device, nint context, string name, int major, int minor)
    {
        Handle = device;
        _context = context;
        Name = name;
        ComputeCapability = major * 10 + minor;
    }

    internal int Handle { get; }

    /// <summary>The device's name.</summary>
    public string Name { get; }

    /// <summary>Compute capability as sm_XX's number (90 for sm_90).</summary>
    public int ComputeCapability { get; }

    /// <summary>Makes the device's context current on the calling thread.</summary>
    public void MakeCurrent() => CudaDriver.Check(CudaDriver.cuCtxSetCurrent(_context), "cuCtxSetCurrent");

    /// <summary>The first CUDA device, or null with the reason (no driver, no device).</summary>
    public static CudaDevice? Open(out string? whyNot)
    {
        try
        {
            if (CudaDriver.cuInit(0) != 0 || CudaDriver.cuDeviceGetCount(out var count) != 0 || count == 0)
            {
                whyNot = "the CUDA driver finds no GPU";
                return null;
            }
            CudaDriver.Check(CudaDriver.cuDeviceGet(out var device, 0), "cuDeviceGet");
            CudaDriver.Check(CudaDriver.cuDeviceGetAttribute(out var major, CudaDriver.AttributeComputeCapabilityMajor, device), "cuDeviceGetAttribute");
            CudaDriver.Check(CudaDriver.cuDeviceGetAttribute(out var minor, CudaDriver.AttributeComputeCapabilityMinor, device), "cuDeviceGetAttribute");
            var name = stackalloc byte[256];
            CudaDriver.Check(CudaDriver.cuDeviceGetName(name, 256, device), "cuDeviceGetName");
            CudaDriver.Check(CudaDriver.cuDevicePrimaryCtxRetain(out var context, device), "cuDevicePrimaryCtxRetain");
            var opened = new CudaDevice(device, context, new string((sbyte*)name), major, minor);
            opened.MakeCurrent();
            whyNot = null;
            return opened;
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            whyNot = "running PTX needs an NVIDIA GPU and its driver (libcuda.so.1), which this machine lacks";
            return null;
        }
    }
}
