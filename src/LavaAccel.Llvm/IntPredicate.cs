namespace LavaAccel.Llvm;

/// <summary>Integer comparison predicates (values of LLVMIntPredicate).</summary>
public enum IntPredicate
{
    /// <summary>Equal.</summary>
    Equal = 32,
    /// <summary>Not equal.</summary>
    NotEqual = 33,
    /// <summary>Unsigned less than.</summary>
    UnsignedLess = 36,
}
