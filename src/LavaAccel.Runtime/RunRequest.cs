namespace LavaAccel.Runtime;

/// <summary>One execution of a compiled variant.</summary>
/// <param name="VariantPath">The artifact (shared object).</param>
/// <param name="Target">Target the variant was compiled for.</param>
/// <param name="Kernel">Kernel to run.</param>
/// <param name="Range">ND-range with its local size resolved.</param>
/// <param name="Arguments">Bound arguments in parameter order.</param>
/// <param name="Repeat">How many times to run (inputs restored between runs; the median is reported).</param>
/// <param name="Threads">Worker threads; 0 = all cores.</param>
/// <param name="TimeLimit">Wall-clock limit for the whole run, or null.</param>
public sealed record RunRequest(
    string VariantPath,
    TargetId Target,
    KernelSignature Kernel,
    NdRange Range,
    IReadOnlyList<BoundArgument> Arguments,
    int Repeat = 1,
    int Threads = 0,
    TimeSpan? TimeLimit = null);
