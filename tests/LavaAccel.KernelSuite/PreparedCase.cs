using LavaAccel.Execution;

namespace LavaAccel.KernelSuite;

/// <summary>A suite case with its package, kernel, bound arguments and resolved range.</summary>
/// <param name="Case">The case.</param>
/// <param name="Package">The package of its kernel file.</param>
/// <param name="Kernel">The kernel's signature.</param>
/// <param name="Arguments">Arguments bound as <c>lava run</c> binds them.</param>
/// <param name="Range">ND-range with the local size resolved.</param>
/// <param name="Data">The inputs the arguments were made from (for the reference).</param>
public sealed record PreparedCase(SuiteCase Case, Package Package, KernelSignature Kernel, IReadOnlyList<BoundArgument> Arguments, NdRange Range, SuiteData Data)
{
    /// <summary>Converts raw output buffers into arrays typed like the inputs of the same name.</summary>
    public IReadOnlyDictionary<string, Array> Typed(IReadOnlyDictionary<string, byte[]> buffers) =>
        buffers.ToDictionary(b => b.Key, b =>
        {
            var like = Data.Buffers[b.Key];
            var result = Array.CreateInstance(like.GetType().GetElementType()!, like.Length);
            Buffer.BlockCopy(b.Value, 0, result, 0, Math.Min(b.Value.Length, Buffer.ByteLength(result)));
            return result;
        }, StringComparer.Ordinal);
}
