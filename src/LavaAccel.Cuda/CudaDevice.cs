namespace LavaAccel.Cuda;

/// <summary>
/// The machine's CUDA GPUs, read through the driver API without creating a context: lava itself
/// never runs a kernel (the native worker does, inside the job's sandbox).
/// </summary>
public static unsafe class CudaDevice
{
    /// <summary>Every CUDA GPU (none without a driver or a GPU: absent hardware is not an error).</summary>
    public static IReadOnlyList<CudaDeviceInfo> Enumerate()
    {
        try
        {
            if (CudaDriver.cuInit(0) != 0 || CudaDriver.cuDeviceGetCount(out var count) != 0)
            {
                return [];
            }
            var found = new List<CudaDeviceInfo>();
            var name = stackalloc byte[256];
            for (var ordinal = 0; ordinal < count; ordinal++)
            {
                if (CudaDriver.cuDeviceGet(out var device, ordinal) != 0)
                {
                    continue;
                }
                int Attribute(int which) => CudaDriver.cuDeviceGetAttribute(out var value, which, device) == 0 ? value : 0;
                _ = CudaDriver.cuDeviceGetName(name, 256, device);
                _ = CudaDriver.cuDeviceTotalMem(out var bytes, device);
                found.Add(new CudaDeviceInfo(ordinal, new string((sbyte*)name), Attribute(CudaDriver.AttributeComputeCapabilityMajor) * 10 + Attribute(CudaDriver.AttributeComputeCapabilityMinor),
                    Attribute(CudaDriver.AttributeMultiprocessorCount), Attribute(CudaDriver.AttributeClockRateKhz), (long)bytes,
                    Attribute(CudaDriver.AttributeMemoryClockKhz), Attribute(CudaDriver.AttributeMemoryBusWidth)));
            }
            return found;
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            return [];
        }
    }
}
