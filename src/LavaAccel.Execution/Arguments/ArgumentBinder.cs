using System.Buffers.Binary;
using System.Globalization;

namespace LavaAccel.Execution;

/// <summary>
/// Binds <c>--arg NAME=VALUE</c> texts to a kernel's parameters. VALUE is a scalar literal,
/// <c>@FILE.npy</c>, <c>random:COUNT[:SEED]</c>, <c>zeros:COUNT</c>, <c>ones:COUNT</c>,
/// <c>range:COUNT</c> or <c>local:COUNT</c>; element types come from the kernel signature.
/// </summary>
public static class ArgumentBinder
{
    /// <summary>The most <c>__local</c> memory one argument may ask for (per work-group; GPUs have far less).</summary>
    public const long MaxLocalBytes = 256L << 20;

    /// <summary>Binds every parameter of <paramref name="kernel"/> from <c>NAME=VALUE</c> texts; errors name the argument.</summary>
    public static IReadOnlyList<BoundArgument> Bind(KernelSignature kernel, IReadOnlyList<string> argTexts, string baseDirectory) =>
        Bind(kernel, [.. argTexts.Select(ArgumentSpec.Parse)], baseDirectory);

    /// <summary>
    /// Binds every parameter of <paramref name="kernel"/>; <c>@FILE</c> values are read relative to
    /// <paramref name="baseDirectory"/>, or refused without one (a service never reads its own files
    /// for a user). Errors name the argument.
    /// </summary>
    public static IReadOnlyList<BoundArgument> Bind(KernelSignature kernel, IReadOnlyList<ArgumentSpec> specs, string? baseDirectory)
    {
        var given = new Dictionary<string, ArgumentSpec>(StringComparer.Ordinal);
        foreach (var spec in specs)
        {
            if (!kernel.Arguments.Any(a => a.Name == spec.Name))
            {
                throw new LavaException($"kernel '{kernel.Name}' has no argument '{spec.Name}' (signature: {kernel})");
            }
            if (!given.TryAdd(spec.Name, spec))
            {
                throw new LavaException($"argument '{spec.Name}' is given twice");
            }
        }
        var missing = kernel.Arguments.Where(a => !given.ContainsKey(a.Name)).Select(a => a.Name).ToArray();
        if (missing.Length > 0)
        {
            throw new LavaException($"kernel '{kernel.Name}' takes {kernel.Arguments.Count} arguments; missing {string.Join(", ", missing.Select(m => $"--arg {m}=…"))} (signature: {kernel})");
        }
        return kernel.Arguments.Select(a => BindOne(kernel, a, given[a.Name], baseDirectory)).ToArray();
    }

    private static BoundArgument BindOne(KernelSignature kernel, KernelArgument parameter, ArgumentSpec spec, string? baseDirectory)
    {
        var what = $"argument '{parameter.Name}' ({parameter})";
        var value = spec.Value;
        if (spec.Npy is { } npy)
        {
            return parameter.Kind == KernelArgumentKind.Buffer
                ? new BoundArgument(parameter, Elements(NpyArray.Parse(npy, parameter.Name + ".npy"), parameter, what, parameter.Name + ".npy"), 0, spec.ToString())
                : throw new LavaException($"{what} is not a buffer: pass its value as text, not an .npy array");
        }
        switch (parameter.Kind)
        {
            case KernelArgumentKind.Local:
                if (!value.StartsWith("local:", StringComparison.Ordinal) || !long.TryParse(value[6..], NumberStyles.None, CultureInfo.InvariantCulture, out var count) || count < 1)
                {
                    throw new LavaException($"{what} is a __local pointer: pass local:COUNT (elements of scratch memory per work-group)");
                }
                if (count > MaxLocalBytes / parameter.ElementBytes)
                {
                    throw new LavaException($"{what}: local:{count} is more work-group memory than lava gives a kernel ({MaxLocalBytes >> 20} MiB)");
                }
                return new BoundArgument(parameter, [], count, value);
            case KernelArgumentKind.Scalar:
                return new BoundArgument(parameter, ParseScalar(value, parameter, what), 0, value);
            default:
                var bytes = !spec.IsFile ? BufferGenerators.Generate(value, parameter, what)
                    : baseDirectory is null ? throw new LavaException($"{what}: files on the server cannot be named; send the buffer as .npy bytes")
                    : LoadBuffer(spec.FilePath, parameter, what, baseDirectory);
                return new BoundArgument(parameter, bytes, 0, value);
        }
    }

    private static byte[] LoadBuffer(string path, KernelArgument parameter, string what, string baseDirectory) =>
        Elements(NpyArray.Load(Path.IsPathRooted(path) ? path : Path.Combine(baseDirectory, path)), parameter, what, path);

    // The bytes a buffer parameter takes from an array: its element type, 3-wide vectors padded to 4.
    private static byte[] Elements(NpyArray array, KernelArgument parameter, string what, string path)
    {
        if (array.Type != parameter.ElementType)
        {
            throw new LavaException($"{what} takes {parameter.ElementType.OpenClName()} elements but '{path}' holds {array.Type.NumpyDescr()}");
        }
        if (array.Count % parameter.VectorWidth != 0)
        {
            throw new LavaException($"{what} takes {parameter.TypeName.TrimEnd('*')} elements but '{path}' has {array.Count} scalars, not a multiple of {parameter.VectorWidth}");
        }
        if (parameter.VectorWidth != 3)
        {
            return array.Data;
        }
        // 3-wide vectors occupy 4 elements in memory.
        var elementSize = parameter.ElementType.Size();
        var vectors = array.Count / 3;
        var padded = new byte[vectors * 4 * elementSize];
        for (long v = 0; v < vectors; v++)
        {
            Array.Copy(array.Data, v * 3 * elementSize, padded, v * 4 * elementSize, 3 * elementSize);
        }
        return padded;
    }

    /// <summary>Encodes a scalar literal (vectors: one value, broadcast, or comma-separated lanes).</summary>
    internal static byte[] ParseScalar(string value, KernelArgument parameter, string what)
    {
        if (value.StartsWith('@') || value.Contains(':', StringComparison.Ordinal))
        {
            throw new LavaException($"{what} is a scalar: pass a number such as 2.5 or 7, not '{value}'");
        }
        var lanes = value.Split(',', StringSplitOptions.TrimEntries);
        var width = parameter.VectorWidth;
        if (lanes.Length != 1 && lanes.Length != width)
        {
            throw new LavaException($"{what} takes {width} values, got {lanes.Length}");
        }
        var size = parameter.ElementType.Size();
        var bytes = new byte[parameter.ElementBytes];
        for (var lane = 0; lane < width; lane++)
        {
            WriteScalar(bytes.AsSpan(lane * size, size), parameter.ElementType, lanes.Length == 1 ? lanes[0] : lanes[lane], what);
        }
        return bytes;
    }

    private static void WriteScalar(Span<byte> destination, ScalarType type, string text, string what)
    {
        var ok = true;
        var style = NumberStyles.Float;
        var culture = CultureInfo.InvariantCulture;
        switch (type)
        {
            case ScalarType.Float:
                ok = float.TryParse(text, style, culture, out var f) && Finite(f, text);
                BinaryPrimitives.WriteSingleLittleEndian(destination, f);
                break;
            case ScalarType.Double:
                ok = double.TryParse(text, style, culture, out var d) && Finite(d, text);
                BinaryPrimitives.WriteDoubleLittleEndian(destination, d);
                break;
            case ScalarType.Half:
                ok = float.TryParse(text, style, culture, out var h) && Finite((float)(Half)h, text);
                BinaryPrimitives.WriteHalfLittleEndian(destination, (Half)h);
                break;
            default:
                ok = long.TryParse(text, NumberStyles.Integer, culture, out var l)
                     && FitsIn(type, l);
                if (!ok && ulong.TryParse(text, NumberStyles.Integer, culture, out var u) && type == ScalarType.ULong)
                {
                    ok = true;
                    l = unchecked((long)u);
                }
                Span<byte> wide = stackalloc byte[8];
                BinaryPrimitives.WriteInt64LittleEndian(wide, l);
                wide[..destination.Length].CopyTo(destination);
                break;
        }
        if (!ok)
        {
            throw new LavaException($"{what}: '{text}' is not a valid {type.OpenClName()}");
        }
    }

    // 1e999 would silently become infinity; "inf" written out is meant.
    private static bool Finite(double value, string text) => !double.IsInfinity(value) || text.Contains("inf", StringComparison.OrdinalIgnoreCase);

    private static bool FitsIn(ScalarType type, long value) => type switch
    {
        ScalarType.Char => value is >= sbyte.MinValue and <= sbyte.MaxValue,
        ScalarType.UChar => value is >= 0 and <= byte.MaxValue,
        ScalarType.Short => value is >= short.MinValue and <= short.MaxValue,
        ScalarType.UShort => value is >= 0 and <= ushort.MaxValue,
        ScalarType.Int => value is >= int.MinValue and <= int.MaxValue,
        ScalarType.UInt => value is >= 0 and <= uint.MaxValue,
        ScalarType.ULong => value >= 0,
        _ => true,
    };
}
