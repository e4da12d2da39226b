using System.Globalization;

namespace LavaAccel.Execution;

/// <summary>An ND-range: global size, and local size when given (1 to 3 dimensions).</summary>
/// <param name="Global">Global size per dimension.</param>
/// <param name="Local">Local (work-group) size per dimension, or null to let lava choose.</param>
public sealed record NdRange(long[] Global, long[]? Local)
{
    /// <summary>Number of dimensions.</summary>
    public int Dimensions => Global.Length;

    /// <summary>Total number of work-items.</summary>
    public long TotalWorkItems => Global.Aggregate(1L, (a, b) => a * b);

    private const double MaxWorkItems = 4.611686018427388E+18; // 2^62

    /// <summary>Parses <c>N[,N[,N]]</c> for <c>--global</c> and <c>--local</c>.</summary>
    public static long[] ParseSizes(string text, string option)
    {
        var parts = text.Split(',', StringSplitOptions.TrimEntries);
        if (parts.Length is < 1 or > 3)
        {
            throw new LavaException($"{option} takes 1 to 3 sizes separated by commas, got '{text}'");
        }
        var sizes = new long[parts.Length];
        for (var i = 0; i < parts.Length; i++)
        {
            if (!long.TryParse(parts[i], NumberStyles.None, CultureInfo.InvariantCulture, out sizes[i]) || sizes[i] < 1)
            {
                throw new LavaException($"{option}: '{parts[i]}' is not a positive integer");
            }
        }
        return sizes;
    }

    /// <summary>Checks the range and fills in a local size: the kernel's required one, or a divisor of the global size.</summary>
    public NdRange Resolve(KernelSignature kernel)
    {
        Validate(Global, "global");
        // Work-item ids are 64-bit: the whole range must count in 63 bits.
        if (Global.Aggregate(1.0, (a, b) => a * b) >= MaxWorkItems)
        {
            throw new LavaException($"the global size ({string.Join(" × ", Global)}) has more than 2^62 work-items");
        }
        if (Local is not null)
        {
            Validate(Local, "local");
        }
        var local = Local ?? kernel.RequiredWorkGroupSize?.Take(Dimensions).ToArray() ?? Global.Select((g, d) => d == 0 ? LargestDivisor(g, 256) : 1).ToArray();
        if (local.Length != Dimensions)
        {
            throw new LavaException($"--local has {local.Length} dimensions but --global has {Dimensions}");
        }
        for (var d = 0; d < Dimensions; d++)
        {
            if (Global[d] % local[d] != 0)
            {
                throw new LavaException($"global size {Global[d]} is not divisible by local size {local[d]} in dimension {d}");
            }
        }
        var groupSize = local.Aggregate(1L, (a, b) => a * b);
        if (groupSize > 4096)
        {
            throw new LavaException($"work-group size {groupSize} exceeds the CPU limit of 4096 work-items");
        }
        if (kernel.RequiredWorkGroupSize is { } required && !required.Take(Dimensions).SequenceEqual(local))
        {
            throw new LavaException($"kernel '{kernel.Name}' requires work-group size ({string.Join(",", required)}), got ({string.Join(",", local)})");
        }
        return this with { Local = local };
    }

    private static void Validate(long[] sizes, string what)
    {
        if (sizes.Length is < 1 or > 3)
        {
            throw new LavaException($"the {what} size has {sizes.Length} dimensions; OpenCL ranges have 1 to 3");
        }
        if (sizes.Any(s => s < 1))
        {
            throw new LavaException($"the {what} size ({string.Join(",", sizes)}) must be positive in every dimension");
        }
    }

    private static long LargestDivisor(long value, long limit)
    {
        for (var candidate = Math.Min(value, limit); candidate > 1; candidate--)
        {
            if (value % candidate == 0)
            {
                return candidate;
            }
        }
        return 1;
    }
}
