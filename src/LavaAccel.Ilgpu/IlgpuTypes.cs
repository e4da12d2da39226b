using ILGPU;

namespace LavaAccel.Ilgpu;

/// <summary>The CLR types a C# kernel may take and the manifest's element types for them.</summary>
public static class IlgpuTypes
{
    private static readonly Dictionary<Type, ScalarType> Scalars = new()
    {
        [typeof(sbyte)] = ScalarType.Char,
        [typeof(byte)] = ScalarType.UChar,
        [typeof(short)] = ScalarType.Short,
        [typeof(ushort)] = ScalarType.UShort,
        [typeof(int)] = ScalarType.Int,
        [typeof(uint)] = ScalarType.UInt,
        [typeof(long)] = ScalarType.Long,
        [typeof(ulong)] = ScalarType.ULong,
        [typeof(ILGPU.Half)] = ScalarType.Half,
        [typeof(float)] = ScalarType.Float,
        [typeof(double)] = ScalarType.Double,
    };

    /// <summary>The element type of an <c>ArrayView&lt;T&gt;</c>, or null.</summary>
    public static ScalarType? ElementOf(Type type) =>
        type.IsGenericType && type.GetGenericTypeDefinition() == typeof(ArrayView<>) && Scalars.TryGetValue(type.GetGenericArguments()[0], out var element)
            ? element
            : null;

    /// <summary>The manifest type of a scalar parameter, or null.</summary>
    public static ScalarType? ScalarOf(Type type) => Scalars.TryGetValue(type, out var scalar) ? scalar : null;

    /// <summary>The CLR type of a manifest scalar type.</summary>
    public static Type ClrType(ScalarType type) => Scalars.First(s => s.Value == type).Key;

    /// <summary>C# spelling of a manifest scalar type.</summary>
    public static string CSharpName(ScalarType type) => type switch
    {
        ScalarType.Char => "sbyte",
        ScalarType.UChar => "byte",
        ScalarType.Short => "short",
        ScalarType.UShort => "ushort",
        ScalarType.Int => "int",
        ScalarType.UInt => "uint",
        ScalarType.Long => "long",
        ScalarType.ULong => "ulong",
        ScalarType.Half => "Half",
        ScalarType.Double => "double",
        _ => "float",
    };
}
