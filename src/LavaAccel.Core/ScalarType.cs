namespace LavaAccel;

/// <summary>Element types of OpenCL C kernel arguments that LavaAccel can pass.</summary>
public enum ScalarType
{
    /// <summary>8-bit signed (<c>char</c>).</summary>
    Char,
    /// <summary>8-bit unsigned (<c>uchar</c>).</summary>
    UChar,
    /// <summary>16-bit signed (<c>short</c>).</summary>
    Short,
    /// <summary>16-bit unsigned (<c>ushort</c>).</summary>
    UShort,
    /// <summary>32-bit signed (<c>int</c>).</summary>
    Int,
    /// <summary>32-bit unsigned (<c>uint</c>).</summary>
    UInt,
    /// <summary>64-bit signed (<c>long</c>).</summary>
    Long,
    /// <summary>64-bit unsigned (<c>ulong</c>, <c>size_t</c>).</summary>
    ULong,
    /// <summary>16-bit float (<c>half</c>).</summary>
    Half,
    /// <summary>32-bit float.</summary>
    Float,
    /// <summary>64-bit float.</summary>
    Double,
}
