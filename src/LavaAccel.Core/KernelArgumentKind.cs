namespace LavaAccel;

/// <summary>How a kernel argument is supplied at launch.</summary>
public enum KernelArgumentKind
{
    /// <summary>A value such as <c>float a</c> or <c>int4 v</c>.</summary>
    Scalar,
    /// <summary>A <c>__global</c> or <c>__constant</c> pointer: a buffer.</summary>
    Buffer,
    /// <summary>A <c>__local</c> pointer: scratch memory, <c>local:COUNT</c>.</summary>
    Local,
}
