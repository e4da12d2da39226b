namespace LavaAccel.Ilgpu;

/// <summary>Which ILGPU accelerator runs a kernel.</summary>
public enum IlgpuDevice
{
    /// <summary>ILGPU's multi-threaded CPU accelerator (with bounds-checked views).</summary>
    Cpu,
    /// <summary>The first CUDA GPU.</summary>
    Cuda,
    /// <summary>The first OpenCL 2.0 device ILGPU accepts.</summary>
    OpenCl,
}
