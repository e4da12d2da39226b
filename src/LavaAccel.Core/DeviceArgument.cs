namespace LavaAccel;

/// <summary>What a kernel argument of a device runtime (OpenCL, CUDA) is.</summary>
public enum DeviceArgumentKind
{
    /// <summary>A value passed by bytes.</summary>
    Scalar,

    /// <summary>A global buffer.</summary>
    Buffer,

    /// <summary>A __local pointer: only a size.</summary>
    Local,
}

/// <summary>One kernel argument as a device runtime takes it.</summary>
/// <param name="Name">Parameter name (outputs are returned under it).</param>
/// <param name="Kind">Kind.</param>
/// <param name="Bytes">Scalar bytes or the buffer's initial contents.</param>
/// <param name="Writable">A buffer the kernel may write (returned after the run).</param>
/// <param name="LocalBytes">Size of a __local argument.</param>
/// <param name="ElementBytes">Bytes of one element of a __local argument (0: unknown).</param>
public sealed record DeviceArgument(string Name, DeviceArgumentKind Kind, byte[] Bytes, bool Writable = false, long LocalBytes = 0, int ElementBytes = 0);
