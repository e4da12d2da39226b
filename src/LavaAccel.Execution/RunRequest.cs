using LavaAccel.Sandbox;

namespace LavaAccel.Execution;

/// <summary>One execution of a compiled variant.</summary>
/// <param name="VariantPath">The artifact (shared object).</param>
/// <param name="Target">Target the variant was compiled for.</param>
/// <param name="Kernel">Kernel to run.</param>
/// <param name="Range">ND-range with its local size resolved.</param>
/// <param name="Arguments">Bound arguments in parameter order.</param>
/// <param name="Repeat">How many times to run (inputs restored between runs; the median is reported).</param>
/// <param name="Threads">Worker threads; 0 = all cores (or the CPU quota's cores).</param>
/// <param name="TimeLimit">Wall-clock limit for the whole run, or null.</param>
/// <param name="Sandbox">Isolation; null = the host's default (<see cref="SandboxKinds.Default"/>).</param>
/// <param name="MemoryLimit">Memory limit in bytes, or null.</param>
/// <param name="Cpus">CPU quota in cores, or null.</param>
/// <param name="User">Whom the usage record is for.</param>
/// <param name="PackageCode">The package's code, for targets that run from it rather than the variant (ilgpu/ptx-*, ilgpu/opencl).</param>
public sealed record RunRequest(
    string VariantPath,
    TargetId Target,
    KernelSignature Kernel,
    NdRange Range,
    IReadOnlyList<BoundArgument> Arguments,
    int Repeat = 1,
    int Threads = 0,
    TimeSpan? TimeLimit = null,
    SandboxKind? Sandbox = null,
    long? MemoryLimit = null,
    double? Cpus = null,
    string User = "local",
    byte[]? PackageCode = null)
{
    /// <summary>The sandbox limits of this run.</summary>
    public SandboxLimits Limits => new(MemoryLimit, TimeLimit, Cpus);

    /// <summary>Untimed launches in the worker before the <see cref="Repeat"/> timed ones (lava bench's warm-up).</summary>
    public int Warmup { get; init; }

    /// <summary>
    /// opencl targets only: the variant is OpenCL C source that the device's own compiler builds
    /// with these options (lava bench's PoCL peer); null for lava's SPIR.
    /// </summary>
    public string? OpenClSourceOptions { get; init; }
}
