using System.Buffers.Binary;
using System.Globalization;

namespace LavaAccel.Execution;

/// <summary>
/// Buffer generators: <c>random:COUNT[:SEED]</c> (floats uniform in [0,1), integers in [0,100)),
/// <c>zeros:COUNT</c>, <c>ones:COUNT</c>, <c>range:COUNT</c> (0,1,2,…). COUNT is in elements of the
/// pointee type (a <c>float4*</c> buffer of COUNT holds 4·COUNT floats). Deterministic for a seed.
/// </summary>
public static class BufferGenerators
{
    private const long MaxBytes = (1L << 31) - 4096;

    /// <summary>
    /// The size in bytes of the buffer <paramref name="spec"/> generates for <paramref name="parameter"/>
    /// (at most 2 GiB), without generating it; null when <paramref name="spec"/> is not a generator.
    /// </summary>
    public static long? Bytes(string spec, KernelArgument parameter, string what) =>
        IsGenerator(spec) ? Parse(spec, parameter, what).Count * Lanes(parameter) * parameter.ElementType.Size() : null;

    /// <summary>Whether <paramref name="spec"/> names a generator (random:, zeros:, ones:, range:).</summary>
    public static bool IsGenerator(string spec) =>
        spec.Split(':')[0] is "random" or "zeros" or "ones" or "range";

    private static int Lanes(KernelArgument parameter) => parameter.VectorWidth == 3 ? 4 : parameter.VectorWidth;

    private static (string Kind, long Count, int Seed) Parse(string spec, KernelArgument parameter, string what)
    {
        var parts = spec.Split(':');
        var kind = parts[0];
        if (!IsGenerator(spec) || parts.Length < 2 || parts.Length > (kind == "random" ? 3 : 2))
        {
            throw new LavaException($"{what} is a buffer: pass @FILE.npy, random:COUNT[:SEED], zeros:COUNT, ones:COUNT or range:COUNT, not '{spec}'");
        }
        if (!long.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var count) || count < 1)
        {
            throw new LavaException($"{what}: '{parts[1]}' is not a positive element count");
        }
        var seed = 42;
        if (parts.Length == 3 && !int.TryParse(parts[2], NumberStyles.Integer, CultureInfo.InvariantCulture, out seed))
        {
            throw new LavaException($"{what}: seed '{parts[2]}' is not an integer");
        }
        // Compared by division: count · lanes · size may not fit in 64 bits.
        if (count > MaxBytes / Lanes(parameter) / parameter.ElementType.Size())
        {
            throw new LavaException($"{what}: {count} elements is more than lava will generate (2 GiB)");
        }
        return (kind, count, seed);
    }

    /// <summary>Generates the bytes of a buffer argument.</summary>
    public static byte[] Generate(string spec, KernelArgument parameter, string what)
    {
        var (kind, count, seed) = Parse(spec, parameter, what);
        var lanes = Lanes(parameter);
        var size = parameter.ElementType.Size();
        var scalars = count * lanes;
        var bytes = new byte[scalars * size];
        var random = new Random(seed);
        for (long i = 0; i < scalars; i++)
        {
            var value = kind switch
            {
                "zeros" => 0.0,
                "ones" => 1.0,
                "range" => i / lanes,
                _ => parameter.ElementType.IsFloatingPoint() ? BelowOne(random.NextDouble(), parameter.ElementType) : random.Next(100),
            };
            Write(bytes.AsSpan((int)(i * size), size), parameter.ElementType, value);
        }
        return bytes;
    }

    // [0,1) must stay below one after rounding to the element type.
    private static double BelowOne(double value, ScalarType type) => type switch
    {
        ScalarType.Float => Math.Min((float)value, MathF.BitDecrement(1f)),
        ScalarType.Half => Math.Min((double)(Half)value, (double)Half.BitDecrement((Half)1)),
        _ => value,
    };

    private static void Write(Span<byte> destination, ScalarType type, double value)
    {
        switch (type)
        {
            case ScalarType.Float:
                BinaryPrimitives.WriteSingleLittleEndian(destination, (float)value);
                break;
            case ScalarType.Double:
                BinaryPrimitives.WriteDoubleLittleEndian(destination, value);
                break;
            case ScalarType.Half:
                BinaryPrimitives.WriteHalfLittleEndian(destination, (Half)value);
                break;
            default:
                Span<byte> wide = stackalloc byte[8];
                BinaryPrimitives.WriteInt64LittleEndian(wide, (long)value);
                wide[..destination.Length].CopyTo(destination);
                break;
        }
    }
}
