namespace LavaAccel.OpenCl;

/// <summary>What an OpenCL kernel argument is.</summary>
public enum OpenClArgumentKind
{
    /// <summary>A value passed by bytes.</summary>
    Scalar,

    /// <summary>A global buffer.</summary>
    Buffer,

    /// <summary>A __local pointer: only a size.</summary>
    Local,
}

/// <summary>One kernel argument.</summary>
/// <param name="Name">Parameter name (outputs are returned under it).</param>
/// <param name="Kind">Kind.</param>
/// <param name="Bytes">Scalar bytes or the buffer's initial contents.</param>
/// <param name="Writable">A buffer the kernel may write (returned after the run).</param>
/// <param name="LocalBytes">Size of a __local argument.</param>
public sealed record OpenClArgument(string Name, OpenClArgumentKind Kind, byte[] Bytes, bool Writable = false, long LocalBytes = 0);
