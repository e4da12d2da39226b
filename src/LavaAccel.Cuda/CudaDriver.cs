using System.Runtime.InteropServices;

namespace LavaAccel.Cuda;

/// <summary>
/// The few CUDA driver API calls lava makes itself (libcuda.so.1, installed with the NVIDIA driver):
/// finding the GPU and what it is. Kernels never run here — the native worker loads and launches
/// PTX inside the job's sandbox (runtime/runner/device_cuda.c). A thin P/Invoke layer: ILGPU's
/// bindings would do the same and could replace it.
/// </summary>
internal static unsafe partial class CudaDriver
{
    private const string Lib = "libcuda.so.1";

    public const int AttributeClockRateKhz = 13;
    public const int AttributeMultiprocessorCount = 16;
    public const int AttributeMemoryClockKhz = 36;
    public const int AttributeMemoryBusWidth = 37;
    public const int AttributeComputeCapabilityMajor = 75;
    public const int AttributeComputeCapabilityMinor = 76;

    [LibraryImport(Lib)] public static partial int cuInit(uint flags);
    [LibraryImport(Lib)] public static partial int cuDeviceGetCount(out int count);
    [LibraryImport(Lib)] public static partial int cuDeviceGet(out int device, int ordinal);
    [LibraryImport(Lib)] public static partial int cuDeviceGetAttribute(out int value, int attribute, int device);
    [LibraryImport(Lib, StringMarshalling = StringMarshalling.Utf8)] public static partial int cuDeviceGetName(byte* name, int length, int device);
    [LibraryImport(Lib, EntryPoint = "cuDeviceTotalMem_v2")] public static partial int cuDeviceTotalMem(out nuint bytes, int device);
    [LibraryImport(Lib)] public static partial int cuGetErrorName(int error, out nint name);

    /// <summary>Throws a one-line error for a failed call.</summary>
    public static void Check(int result, string call)
    {
        if (result != 0)
        {
            var name = cuGetErrorName(result, out var text) == 0 ? Marshal.PtrToStringUTF8(text) : null;
            throw new LavaException($"{call} failed: {name ?? "CUDA error " + result}");
        }
    }
}
