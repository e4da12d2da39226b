namespace LavaAccel.Execution;

/// <summary>One kernel argument with its value, ready to hand to a runner.</summary>
/// <param name="Parameter">The kernel parameter.</param>
/// <param name="Bytes">Scalar bytes, or buffer contents.</param>
/// <param name="LocalElements">Element count of a <c>__local</c> pointer argument.</param>
/// <param name="Source">Where the value came from (<c>@x.npy</c>, <c>random:1024</c> …), for messages.</param>
public sealed record BoundArgument(KernelArgument Parameter, byte[] Bytes, long LocalElements, string Source)
{
    /// <summary>Element count of a buffer (in elements of the pointee type).</summary>
    public long BufferElements => Bytes.LongLength / Parameter.ElementBytes;
}
