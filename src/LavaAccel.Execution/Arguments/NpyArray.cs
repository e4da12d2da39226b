using System.Globalization;
using System.Text;

namespace LavaAccel.Execution;

/// <summary>A NumPy <c>.npy</c> array (version 1.0/2.0, little-endian, C order): element type, shape and raw bytes.</summary>
public sealed class NpyArray
{
    private static readonly byte[] Magic = [0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y'];

    /// <summary>Creates an array over raw little-endian bytes.</summary>
    public NpyArray(ScalarType type, long[] shape, byte[] data)
    {
        Type = type;
        Shape = shape;
        Data = data;
    }

    /// <summary>Element type.</summary>
    public ScalarType Type { get; }

    /// <summary>Dimensions.</summary>
    public long[] Shape { get; }

    /// <summary>Raw element bytes.</summary>
    public byte[] Data { get; }

    /// <summary>Number of scalar elements.</summary>
    public long Count => Data.Length / Type.Size();

    /// <summary>The elements as a typed array (float[], int[] …).</summary>
    public Array ToArray() => Type switch
    {
        ScalarType.Char => Cast<sbyte>(),
        ScalarType.UChar => Cast<byte>(),
        ScalarType.Short => Cast<short>(),
        ScalarType.UShort => Cast<ushort>(),
        ScalarType.Int => Cast<int>(),
        ScalarType.UInt => Cast<uint>(),
        ScalarType.Long => Cast<long>(),
        ScalarType.ULong => Cast<ulong>(),
        ScalarType.Half => Cast<Half>(),
        ScalarType.Float => Cast<float>(),
        _ => Cast<double>(),
    };

    /// <summary>The elements as doubles (Half is not IConvertible, so Convert.ToDouble cannot do this).</summary>
    public double[] ToDoubles()
    {
        var values = ToArray();
        var result = new double[values.Length];
        for (var i = 0; i < values.Length; i++)
        {
            result[i] = values.GetValue(i) is Half h ? (double)h : Convert.ToDouble(values.GetValue(i), CultureInfo.InvariantCulture);
        }
        return result;
    }

    /// <summary>Wraps a typed array (float[], int[] …) as a one-dimensional array.</summary>
    public static NpyArray FromArray(Array values)
    {
        // Switch on the element type, not the array: the runtime treats int[] and uint[] (and the
        // other same-size pairs) as interchangeable in type tests.
        var element = values.GetType().GetElementType();
        var type = element == typeof(sbyte) ? ScalarType.Char
            : element == typeof(byte) ? ScalarType.UChar
            : element == typeof(short) ? ScalarType.Short
            : element == typeof(ushort) ? ScalarType.UShort
            : element == typeof(int) ? ScalarType.Int
            : element == typeof(uint) ? ScalarType.UInt
            : element == typeof(long) ? ScalarType.Long
            : element == typeof(ulong) ? ScalarType.ULong
            : element == typeof(Half) ? ScalarType.Half
            : element == typeof(float) ? ScalarType.Float
            : element == typeof(double) ? ScalarType.Double
            : throw new ArgumentException($"unsupported element type {element?.Name}", nameof(values));
        var bytes = new byte[values.Length * type.Size()];
        Buffer.BlockCopy(values, 0, bytes, 0, bytes.Length);
        return new NpyArray(type, [values.Length], bytes);
    }

    private T[] Cast<T>() where T : struct
    {
        var result = new T[Data.Length / System.Runtime.CompilerServices.Unsafe.SizeOf<T>()];
        System.Runtime.InteropServices.MemoryMarshal.AsBytes(result.AsSpan()).Clear();
        Data.AsSpan(0, result.Length * System.Runtime.CompilerServices.Unsafe.SizeOf<T>()).CopyTo(System.Runtime.InteropServices.MemoryMarshal.AsBytes(result.AsSpan()));
        return result;
    }

    /// <summary>Reads a .npy file; errors name the file.</summary>
    public static NpyArray Load(string path)
    {
        // A regular file only (a FIFO or /dev/zero is refused, not waited on or read forever),
        // no larger than the largest buffer lava makes.
        return Parse(LavaAccel.Host.RegularFiles.Read(path, MaxFileBytes, "buffer file"), path);
    }

    /// <summary>Reads the bytes of a .npy file; errors name <paramref name="path"/>.</summary>
    public static NpyArray Parse(byte[] bytes, string path)
    {
        if (bytes.Length < 10 || !bytes.AsSpan(0, 6).SequenceEqual(Magic))
        {
            throw new LavaException($"'{path}' is not a NumPy .npy file");
        }
        var major = bytes[6];
        if (major is < 1 or > 3)
        {
            throw new LavaException($"'{path}' is a .npy file of version {major}; lava reads versions 1 to 3");
        }
        // Version 1: a 16-bit header length at 8; versions 2 and 3: 32 bits.
        var headerStart = major == 1 ? 10 : 12;
        if (bytes.Length < headerStart)
        {
            throw new LavaException($"'{path}' is a truncated .npy file");
        }
        long headerLength = major == 1 ? BitConverter.ToUInt16(bytes, 8) : BitConverter.ToUInt32(bytes, 8);
        if (headerStart + headerLength > bytes.Length)
        {
            throw new LavaException($"'{path}' is a truncated .npy file");
        }
        var header = Encoding.Latin1.GetString(bytes, headerStart, (int)headerLength);
        var descr = HeaderValue(header, "descr", path).Trim('\'', '"', ' ');
        var fortran = HeaderValue(header, "fortran_order", path).Trim();
        var shapeText = HeaderValue(header, "shape", path).Trim('(', ')', ' ');
        if (!ScalarTypes.TryParseNumpy(descr, out var type))
        {
            throw new LavaException($"'{path}' has element type {descr}; lava reads int8–64, uint8–64, float16/32/64 (little-endian)");
        }
        var shape = shapeText.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(s => long.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n
                : throw new LavaException($"'{path}' has a malformed shape ({shapeText}): each dimension must be a non-negative integer"))
            .ToArray();
        long expected;
        try
        {
            expected = checked(shape.Aggregate(1L, (a, b) => a * b) * type.Size());
        }
        catch (OverflowException)
        {
            throw new LavaException($"'{path}' has shape ({shapeText}), which no file can hold");
        }
        var dataStart = headerStart + headerLength;
        if (bytes.Length - dataStart < expected)
        {
            throw new LavaException($"'{path}' is truncated: shape ({shapeText}) needs {expected} bytes, the file has {bytes.Length - dataStart}");
        }
        if (fortran == "True" && shape.Length > 1)
        {
            throw new LavaException($"'{path}' is in Fortran order; save it in C order (np.ascontiguousarray)");
        }
        return new NpyArray(type, shape, bytes.AsSpan((int)dataStart, (int)expected).ToArray());
    }

    /// <summary>The largest .npy file lava reads (its buffers are at most 2 GiB).</summary>
    public const long MaxFileBytes = (1L << 31) - 1;

    /// <summary>Writes a version 1.0 .npy file: a new or regular file, never through a symbolic link or into a device.</summary>
    public void Save(string path)
    {
        using var stream = new MemoryStream();
        Write(stream);
        LavaAccel.Host.RegularFiles.Write(path, stream.GetBuffer().AsSpan(0, (int)stream.Length), "output file");
    }

    /// <summary>The bytes of a version 1.0 .npy file.</summary>
    public byte[] Encode()
    {
        using var stream = new MemoryStream();
        Write(stream);
        return stream.ToArray();
    }

    private void Write(Stream stream)
    {
        var shape = Shape.Length == 1
            ? $"({Shape[0].ToString(CultureInfo.InvariantCulture)},)"
            : "(" + string.Join(", ", Shape.Select(s => s.ToString(CultureInfo.InvariantCulture))) + ")";
        var header = $"{{'descr': '{Type.NumpyDescr()}', 'fortran_order': False, 'shape': {shape}, }}";
        // The header is padded with spaces and ends in a newline so that data starts 64-aligned.
        var total = 10 + header.Length + 1;
        header = header.PadRight(header.Length + (64 - total % 64) % 64) + "\n";
        stream.Write(Magic);
        stream.Write([1, 0]);
        stream.Write(BitConverter.GetBytes((ushort)header.Length));
        stream.Write(Encoding.Latin1.GetBytes(header));
        stream.Write(Data);
    }

    private static string HeaderValue(string header, string key, string path)
    {
        var at = header.IndexOf($"'{key}'", StringComparison.Ordinal);
        if (at < 0)
        {
            throw new LavaException($"'{path}' has a malformed .npy header (no {key})");
        }
        var colon = header.IndexOf(':', at);
        var rest = header[(colon + 1)..].TrimStart();
        var end = rest.StartsWith('(') ? rest.IndexOf(')', StringComparison.Ordinal) + 1 : rest.IndexOfAny([',', '}']);
        return end <= 0 ? rest : rest[..end];
    }
}
