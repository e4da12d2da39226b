namespace LavaAccel.Llvm;

/// <summary>An LLVM type (owned by its context).</summary>
public readonly record struct LlvmType
{
    internal LlvmType(nint handle) => Handle = handle;

    internal nint Handle { get; }

    /// <summary>True when this is a pointer type.</summary>
    public bool IsPointer => Native.LLVMGetTypeKind(Handle) == 12; // LLVMPointerTypeKind

    /// <summary>True when this is the void type.</summary>
    public bool IsVoid => Native.LLVMGetTypeKind(Handle) == 0; // LLVMVoidTypeKind

    /// <summary>Address space of a pointer type.</summary>
    public uint AddressSpace => Native.LLVMGetPointerAddressSpace(Handle);

    /// <summary>Return type of a function type.</summary>
    public LlvmType ReturnType => new(Native.LLVMGetReturnType(Handle));

    /// <summary>Parameter types of a function type.</summary>
    public IReadOnlyList<LlvmType> ParameterTypes
    {
        get
        {
            var count = Native.LLVMCountParamTypes(Handle);
            var raw = new nint[count];
            if (count > 0)
            {
                Native.LLVMGetParamTypes(Handle, raw);
            }
            return raw.Select(t => new LlvmType(t)).ToArray();
        }
    }

    /// <summary>The type in LLVM's textual syntax.</summary>
    public override string ToString() => NativeString.TakeMessage(Native.LLVMPrintTypeToString(Handle));
}
