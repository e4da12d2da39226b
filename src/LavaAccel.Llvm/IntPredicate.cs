namespace LavaAccel.Llvm;

/// <summary>Integer comparison predicates (values of LLVMIntPredicate).</summary>
public enum IntPredicate
{
    /// <summary>Equal.</summary>
    Equal = 32,
    /// <summary>Not equal.</summary>
    NotEqual = 33,
    /// <summary>Unsigned greater than.</summary>
    UnsignedGreater = 34,
    /// <summary>Unsigned greater or equal.</summary>
    UnsignedGreaterOrEqual = 35,
    /// <summary>Unsigned less than.</summary>
    UnsignedLess = 36,
    /// <summary>Unsigned less or equal.</summary>
    UnsignedLessOrEqual = 37,
    /// <summary>Signed greater than.</summary>
    SignedGreater = 38,
    /// <summary>Signed greater or equal.</summary>
    SignedGreaterOrEqual = 39,
    /// <summary>Signed less than.</summary>
    SignedLess = 40,
    /// <summary>Signed less or equal.</summary>
    SignedLessOrEqual = 41,
}
