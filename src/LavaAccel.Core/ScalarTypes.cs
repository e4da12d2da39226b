namespace LavaAccel;

/// <summary>Sizes, names and NumPy codes of <see cref="ScalarType"/>.</summary>
public static class ScalarTypes
{
    /// <summary>Size of one element in bytes.</summary>
    public static int Size(this ScalarType type) => type switch
    {
        ScalarType.Char or ScalarType.UChar => 1,
        ScalarType.Short or ScalarType.UShort or ScalarType.Half => 2,
        ScalarType.Int or ScalarType.UInt or ScalarType.Float => 4,
        _ => 8,
    };

    /// <summary>True for half, float and double.</summary>
    public static bool IsFloatingPoint(this ScalarType type) =>
        type is ScalarType.Half or ScalarType.Float or ScalarType.Double;

    /// <summary>The OpenCL C spelling of the type.</summary>
    public static string OpenClName(this ScalarType type) => type switch
    {
        ScalarType.Char => "char",
        ScalarType.UChar => "uchar",
        ScalarType.Short => "short",
        ScalarType.UShort => "ushort",
        ScalarType.Int => "int",
        ScalarType.UInt => "uint",
        ScalarType.Long => "long",
        ScalarType.ULong => "ulong",
        ScalarType.Half => "half",
        ScalarType.Float => "float",
        _ => "double",
    };

    /// <summary>The NumPy dtype descriptor (little-endian) of the type.</summary>
    public static string NumpyDescr(this ScalarType type) => type switch
    {
        ScalarType.Char => "|i1",
        ScalarType.UChar => "|u1",
        ScalarType.Short => "<i2",
        ScalarType.UShort => "<u2",
        ScalarType.Int => "<i4",
        ScalarType.UInt => "<u4",
        ScalarType.Long => "<i8",
        ScalarType.ULong => "<u8",
        ScalarType.Half => "<f2",
        ScalarType.Float => "<f4",
        _ => "<f8",
    };

    /// <summary>Parses an OpenCL C scalar type name (<c>uint</c>, <c>unsigned int</c>, <c>size_t</c> …).</summary>
    public static bool TryParseOpenCl(string name, out ScalarType type)
    {
        ScalarType? parsed = name.Trim() switch
        {
            "char" or "signed char" => ScalarType.Char,
            "uchar" or "unsigned char" or "bool" => ScalarType.UChar,
            "short" => ScalarType.Short,
            "ushort" or "unsigned short" => ScalarType.UShort,
            "int" => ScalarType.Int,
            "uint" or "unsigned int" or "unsigned" => ScalarType.UInt,
            "long" => ScalarType.Long,
            "ulong" or "unsigned long" or "size_t" or "uintptr_t" => ScalarType.ULong,
            "ptrdiff_t" or "intptr_t" => ScalarType.Long,
            "half" => ScalarType.Half,
            "float" => ScalarType.Float,
            "double" => ScalarType.Double,
            _ => null,
        };
        type = parsed ?? default;
        return parsed.HasValue;
    }

    /// <summary>Maps a NumPy dtype descriptor back to a type.</summary>
    public static bool TryParseNumpy(string descr, out ScalarType type)
    {
        foreach (var candidate in Enum.GetValues<ScalarType>())
        {
            var expected = candidate.NumpyDescr();
            if (descr == expected || (descr.Length == 3 && expected.Length == 3 && descr[0] is '<' or '|' or '=' && descr[1..] == expected[1..]))
            {
                type = candidate;
                return true;
            }
        }
        type = default;
        return false;
    }
}
