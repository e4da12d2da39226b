namespace LavaAccel.Llvm;

/// <summary>The LLVM linkages the pipeline sets (values of LLVMLinkage).</summary>
public enum LlvmLinkage
{
    /// <summary>Visible to other objects.</summary>
    External = 0,
    /// <summary>Linked only where referenced; identical everywhere (C++ inline semantics).</summary>
    LinkOnceOdr = 3,
    /// <summary>Local to the module.</summary>
    Internal = 8,
}
