namespace LavaAccel.Llvm;

/// <summary>An LLVM context: owns types and the modules parsed in it. Not thread-safe.</summary>
public sealed class LlvmContext : IDisposable
{
    private readonly ContextHandle _handle;

    /// <summary>Creates a context.</summary>
    public LlvmContext()
    {
        Native.EnsureLoaded();
        _handle = new ContextHandle(Native.LLVMContextCreate());
    }

    internal nint Handle => _handle.DangerousGetHandle();

    /// <summary>Parses LLVM bitcode; <paramref name="name"/> names it in errors.</summary>
    public LlvmModule ParseBitcode(ReadOnlySpan<byte> bitcode, string name)
    {
        if (bitcode.Length < 4 || bitcode[0] != (byte)'B' || bitcode[1] != (byte)'C' || bitcode[2] != 0xC0 || bitcode[3] != 0xDE)
        {
            throw new LlvmException($"{name} is not LLVM bitcode (bad magic)");
        }
        var copy = bitcode.ToArray();
        var buffer = Native.LLVMCreateMemoryBufferWithMemoryRangeCopy(ref copy[0], (nuint)copy.Length, name);
        try
        {
            if (Native.LLVMParseBitcodeInContext2(Handle, buffer, out var module) != 0 || module == 0)
            {
                throw new LlvmException($"{name} is not valid LLVM bitcode (truncated, corrupted, or from a newer LLVM than 19)");
            }
            return new LlvmModule(this, new ModuleHandle(module));
        }
        finally
        {
            Native.LLVMDisposeMemoryBuffer(buffer);
        }
    }

    /// <summary>Parses LLVM assembly text; <paramref name="name"/> names it in errors.</summary>
    public LlvmModule ParseIr(string text, string name)
    {
        var bytes = System.Text.Encoding.UTF8.GetBytes(text + "\0");
        // LLVMParseIRInContext takes ownership of the buffer.
        var buffer = Native.LLVMCreateMemoryBufferWithMemoryRangeCopy(ref bytes[0], (nuint)(bytes.Length - 1), name);
        if (Native.LLVMParseIRInContext(Handle, buffer, out var module, out var message) != 0 || module == 0)
        {
            throw new LlvmException($"{name} does not parse: {NativeString.TakeMessage(message)}");
        }
        return new LlvmModule(this, new ModuleHandle(module));
    }

    /// <summary>
    /// Opens bitcode lazily: function bodies are read only when something needs them (e.g. when
    /// linking pulls them in). For large libraries of which a kernel uses a few functions.
    /// </summary>
    public LlvmModule OpenBitcodeLazily(ReadOnlySpan<byte> bitcode, string name)
    {
        var copy = bitcode.ToArray();
        var buffer = Native.LLVMCreateMemoryBufferWithMemoryRangeCopy(ref copy[0], (nuint)copy.Length, name);
        // On success the module owns the buffer.
        if (Native.LLVMGetBitcodeModuleInContext2(Handle, buffer, out var module) != 0 || module == 0)
        {
            Native.LLVMDisposeMemoryBuffer(buffer);
            throw new LlvmException($"{name} is not valid LLVM bitcode");
        }
        return new LlvmModule(this, new ModuleHandle(module));
    }

    /// <summary>The 8-bit integer type.</summary>
    public LlvmType Int8 => new(Native.LLVMInt8TypeInContext(Handle));

    /// <summary>The 32-bit integer type.</summary>
    public LlvmType Int32 => new(Native.LLVMInt32TypeInContext(Handle));

    /// <summary>The 64-bit integer type.</summary>
    public LlvmType Int64 => new(Native.LLVMInt64TypeInContext(Handle));

    /// <summary>The void type.</summary>
    public LlvmType Void => new(Native.LLVMVoidTypeInContext(Handle));

    /// <summary>An opaque pointer type in an address space.</summary>
    public LlvmType Pointer(uint addressSpace = 0) => new(Native.LLVMPointerTypeInContext(Handle, addressSpace));

    /// <summary>A function type.</summary>
    public static LlvmType Function(LlvmType returnType, params LlvmType[] parameters) =>
        new(Native.LLVMFunctionType(returnType.Handle, parameters.Select(p => p.Handle).ToArray(), (uint)parameters.Length, 0));

    /// <summary>An integer constant of the given type.</summary>
    public static LlvmValue Constant(LlvmType type, ulong value) => new(Native.LLVMConstInt(type.Handle, value, 0));

    /// <summary>Creates an instruction builder.</summary>
    public LlvmBuilder CreateBuilder() => new(this);

    /// <summary>Frees the context and everything in it.</summary>
    public void Dispose() => _handle.Dispose();
}
