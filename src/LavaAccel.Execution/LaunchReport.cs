using LavaAccel.Cache;

namespace LavaAccel.Execution;

/// <summary>Everything about one launch: what ran where, how long each step took, and the results.</summary>
/// <param name="Package">The package that ran.</param>
/// <param name="Kernel">The kernel.</param>
/// <param name="Choice">Target and the reason for it.</param>
/// <param name="Range">ND-range with local size resolved.</param>
/// <param name="Arguments">Bound arguments.</param>
/// <param name="Variant">The variant: from the cache, or compiled for this launch.</param>
/// <param name="Outcome">Run result.</param>
public sealed record LaunchReport(
    Package Package,
    KernelSignature Kernel,
    TargetChoice Choice,
    NdRange Range,
    IReadOnlyList<BoundArgument> Arguments,
    CachedVariant Variant,
    RunOutcome Outcome)
{
    /// <summary>Bytes of all buffers, counting writable ones twice (read and written): an estimate of traffic.</summary>
    public long BufferBytes => Arguments.Where(a => a.Parameter.Kind == KernelArgumentKind.Buffer)
        .Sum(a => a.Parameter.IsConst ? a.Bytes.LongLength : 2 * a.Bytes.LongLength);

    /// <summary>Effective bandwidth of the median run, in GB/s.</summary>
    public double EffectiveGbps => Outcome.MedianMs > 0 ? BufferBytes / (Outcome.MedianMs * 1e6) : 0;

    /// <summary>Final contents of a writable buffer as an array shaped like the kernel's element type.</summary>
    public NpyArray Output(string name)
    {
        var argument = Arguments.FirstOrDefault(a => a.Parameter.Name == name)
            ?? throw new LavaException($"--out {name}: kernel '{Kernel.Name}' has no argument '{name}'");
        if (argument.Parameter.Kind != KernelArgumentKind.Buffer)
        {
            throw new LavaException($"--out {name}: '{name}' is not a buffer argument");
        }
        var bytes = Outcome.Buffers.TryGetValue(name, out var written) ? written : argument.Bytes;
        var width = argument.Parameter.VectorWidth;
        var count = bytes.LongLength / argument.Parameter.ElementBytes;
        long[] shape = width == 1 ? [count] : [count, width];
        if (width == 3)
        {
            var size = argument.Parameter.ElementType.Size();
            var packed = new byte[count * 3 * size];
            for (long v = 0; v < count; v++)
            {
                Array.Copy(bytes, v * 4 * size, packed, v * 3 * size, 3 * size);
            }
            bytes = packed;
        }
        return new NpyArray(argument.Parameter.ElementType, shape, bytes);
    }
}
