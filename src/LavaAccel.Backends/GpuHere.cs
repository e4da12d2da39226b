namespace LavaAccel.Backends;

/// <summary>The newest GPU this machine has for the CUDA targets (read without opening a context), or why there is none.</summary>
internal static class GpuHere
{
    /// <summary>The best compute capability here (sm_XX's number), or null with the reason.</summary>
    public static (int? Sm, string? Why) Describe()
    {
        var gpus = LavaAccel.Cuda.CudaDevice.Enumerate();
        return gpus.Count > 0
            ? (gpus.Max(g => g.ComputeCapability), null)
            : (null, "running PTX needs an NVIDIA GPU and its driver (libcuda.so.1), which this machine lacks");
    }
}
