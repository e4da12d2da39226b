namespace LavaAccel;

/// <summary>OpenCL address space of a kernel argument (numbering of the SPIR target).</summary>
public enum AddressSpace
{
    /// <summary>Passed by value.</summary>
    Private = 0,
    /// <summary><c>__global</c> buffer.</summary>
    Global = 1,
    /// <summary><c>__constant</c> buffer.</summary>
    Constant = 2,
    /// <summary><c>__local</c> pointer: work-group scratch memory sized at launch.</summary>
    Local = 3,
}
