using System.Runtime.InteropServices;

namespace LavaAccel.Cuda;

/// <summary>
/// The few CUDA driver API calls lava needs (libcuda.so.1, installed with the NVIDIA driver), as a
/// thin P/Invoke layer: ILGPU's bindings would do the same and could replace it.
/// </summary>
internal static unsafe partial class CudaDriver
{
    private const string Lib = "libcuda.so.1";

    public const int AttributeComputeCapabilityMajor = 75;
    public const int AttributeComputeCapabilityMinor = 76;
    public const int JitErrorLogBuffer = 5;
    public const int JitErrorLogBufferSizeBytes = 6;

    [LibraryImport(Lib)] public static partial int cuInit(uint flags);
    [LibraryImport(Lib)] public static partial int cuDeviceGetCount(out int count);
    [LibraryImport(Lib)] public static partial int cuDeviceGet(out int device, int ordinal);
    [LibraryImport(Lib)] public static partial int cuDeviceGetAttribute(out int value, int attribute, int device);
    [LibraryImport(Lib, StringMarshalling = StringMarshalling.Utf8)] public static partial int cuDeviceGetName(byte* name, int length, int device);
    [LibraryImport(Lib)] public static partial int cuDevicePrimaryCtxRetain(out nint context, int device);
    [LibraryImport(Lib)] public static partial int cuCtxSetCurrent(nint context);
    [LibraryImport(Lib)] public static partial int cuModuleLoadDataEx(out nint module, byte* image, uint optionCount, int* options, void** values);
    [LibraryImport(Lib)] public static partial int cuModuleUnload(nint module);
    [LibraryImport(Lib, StringMarshalling = StringMarshalling.Utf8)] public static partial int cuModuleGetFunction(out nint function, nint module, string name);
    [LibraryImport(Lib, EntryPoint = "cuMemAlloc_v2")] public static partial int cuMemAlloc(out ulong pointer, nuint bytes);
    [LibraryImport(Lib, EntryPoint = "cuMemFree_v2")] public static partial int cuMemFree(ulong pointer);
    [LibraryImport(Lib, EntryPoint = "cuMemcpyHtoD_v2")] public static partial int cuMemcpyHtoD(ulong destination, void* source, nuint bytes);
    [LibraryImport(Lib, EntryPoint = "cuMemcpyDtoH_v2")] public static partial int cuMemcpyDtoH(void* destination, ulong source, nuint bytes);
    [LibraryImport(Lib)] public static partial int cuLaunchKernel(nint function, uint gridX, uint gridY, uint gridZ, uint blockX, uint blockY, uint blockZ, uint sharedBytes, nint stream, void** parameters, void** extra);
    [LibraryImport(Lib)] public static partial int cuCtxSynchronize();
    [LibraryImport(Lib)] public static partial int cuEventCreate(out nint e, uint flags);
    [LibraryImport(Lib, EntryPoint = "cuEventDestroy_v2")] public static partial int cuEventDestroy(nint e);
    [LibraryImport(Lib)] public static partial int cuEventRecord(nint e, nint stream);
    [LibraryImport(Lib)] public static partial int cuEventSynchronize(nint e);
    [LibraryImport(Lib)] public static partial int cuEventElapsedTime(out float milliseconds, nint start, nint end);
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
