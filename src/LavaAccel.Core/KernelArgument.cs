using System.Text.Json.Serialization;

namespace LavaAccel;

/// <summary>One parameter of a kernel, as recorded in the package manifest.</summary>
/// <param name="Name">Parameter name in the source.</param>
/// <param name="TypeName">OpenCL C type as written, without qualifiers (<c>float*</c>, <c>int4</c>).</param>
/// <param name="AddressSpace">Address space of the pointee for pointers; private for values.</param>
/// <param name="ElementType">Scalar element type (of the pointee for pointers).</param>
/// <param name="VectorWidth">1 for scalars, 2/3/4/8/16 for OpenCL vector types.</param>
/// <param name="IsConst">The pointee is declared <c>const</c> (or the buffer is <c>__constant</c>).</param>
/// <param name="IsPointer">Whether the parameter is a pointer.</param>
public sealed record KernelArgument(
    string Name,
    string TypeName,
    AddressSpace AddressSpace,
    ScalarType ElementType,
    int VectorWidth,
    bool IsConst,
    bool IsPointer)
{
    /// <summary>How the argument is supplied at launch.</summary>
    [JsonIgnore]
    public KernelArgumentKind Kind => !IsPointer
        ? KernelArgumentKind.Scalar
        : AddressSpace == AddressSpace.Local ? KernelArgumentKind.Local : KernelArgumentKind.Buffer;

    /// <summary>Bytes of one element (a whole vector for vector types; 3-wide vectors occupy 4).</summary>
    [JsonIgnore]
    public int ElementBytes => ElementType.Size() * (VectorWidth == 3 ? 4 : VectorWidth);

    /// <summary>Human-readable signature fragment, e.g. <c>__global const float* x</c>.</summary>
    public override string ToString()
    {
        if (TypeName.StartsWith("ArrayView<", StringComparison.Ordinal) || TypeName.StartsWith("SharedMemory<", StringComparison.Ordinal))
        {
            // C# (ILGPU) kernels: views are read-only when the kernel never writes them.
            return $"{TypeName} {Name}{(IsConst ? " (read-only)" : "")}";
        }
        var space = AddressSpace switch
        {
            AddressSpace.Global => "__global ",
            AddressSpace.Constant => "__constant ",
            AddressSpace.Local => "__local ",
            _ => "",
        };
        var qualifier = IsConst && AddressSpace != AddressSpace.Constant ? "const " : "";
        return $"{space}{qualifier}{TypeName} {Name}";
    }
}
