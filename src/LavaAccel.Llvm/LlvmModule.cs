namespace LavaAccel.Llvm;

/// <summary>An LLVM module. Dispose it before its context.</summary>
public sealed class LlvmModule : IDisposable
{
    private readonly ModuleHandle _handle;

    internal LlvmModule(LlvmContext context, ModuleHandle handle)
    {
        Context = context;
        _handle = handle;
    }

    /// <summary>The context the module lives in.</summary>
    public LlvmContext Context { get; }

    internal nint Handle => _handle.IsInvalid || _handle.IsClosed
        ? throw new ObjectDisposedException(nameof(LlvmModule))
        : _handle.DangerousGetHandle();

    /// <summary>Target triple.</summary>
    public string Triple
    {
        get => System.Runtime.InteropServices.Marshal.PtrToStringUTF8(Native.LLVMGetTarget(Handle)) ?? "";
        set => Native.LLVMSetTarget(Handle, value);
    }

    /// <summary>Sets the data layout string.</summary>
    public void SetDataLayout(string layout) => Native.LLVMSetDataLayout(Handle, layout);

    /// <summary>Functions of the module (snapshot).</summary>
    public IReadOnlyList<LlvmValue> Functions
    {
        get
        {
            var list = new List<LlvmValue>();
            for (var f = Native.LLVMGetFirstFunction(Handle); f != 0; f = Native.LLVMGetNextFunction(f))
            {
                list.Add(new LlvmValue(f));
            }
            return list;
        }
    }

    /// <summary>Global variables of the module (snapshot).</summary>
    public IReadOnlyList<LlvmValue> Globals
    {
        get
        {
            var list = new List<LlvmValue>();
            for (var g = Native.LLVMGetFirstGlobal(Handle); g != 0; g = Native.LLVMGetNextGlobal(g))
            {
                list.Add(new LlvmValue(g));
            }
            return list;
        }
    }

    /// <summary>Module-level inline assembly (<c>module asm</c>), or empty.</summary>
    public string InlineAssembly
    {
        get
        {
            var text = Native.LLVMGetModuleInlineAsm(Handle, out var length);
            return text == 0 || length == 0 ? "" : System.Runtime.InteropServices.Marshal.PtrToStringUTF8(text, checked((int)length));
        }
    }

    /// <summary>Whether the module defines an IFUNC (a symbol resolved by code run at load time).</summary>
    public bool HasIFuncs => Native.LLVMGetFirstGlobalIFunc(Handle) != 0;

    /// <summary>Global aliases of the module (snapshot).</summary>
    public IReadOnlyList<LlvmValue> Aliases
    {
        get
        {
            var list = new List<LlvmValue>();
            for (var a = Native.LLVMGetFirstGlobalAlias(Handle); a != 0; a = Native.LLVMGetNextGlobalAlias(a))
            {
                list.Add(new LlvmValue(a));
            }
            return list;
        }
    }

    /// <summary>A global variable by name, or a non-existent value.</summary>
    public LlvmValue GetGlobal(string name) => new(Native.LLVMGetNamedGlobal(Handle, name));

    /// <summary>A function by name, or a non-existent value.</summary>
    public LlvmValue GetFunction(string name) => new(Native.LLVMGetNamedFunction(Handle, name));

    /// <summary>Adds a function (a declaration until blocks are appended).</summary>
    public LlvmValue AddFunction(string name, LlvmType functionType) => new(Native.LLVMAddFunction(Handle, name, functionType.Handle));

    /// <summary>Appends a basic block to a function.</summary>
    public LlvmBlock AppendBlock(LlvmValue function, string name) =>
        new(Native.LLVMAppendBasicBlockInContext(Context.Handle, function.Handle, name));

    /// <summary>Inserts a new block before <paramref name="before"/> in its function.</summary>
    public LlvmBlock InsertBlockBefore(LlvmBlock before, string name) =>
        new(Native.LLVMInsertBasicBlockInContext(Context.Handle, before.Handle, name));

    /// <summary>ABI size of a type in bytes, under the module's data layout.</summary>
    public ulong SizeOf(LlvmType type) => Native.LLVMABISizeOfType(Native.LLVMGetModuleDataLayout(Handle), type.Handle);

    /// <summary>ABI alignment of a type in bytes, under the module's data layout.</summary>
    public uint AlignmentOf(LlvmType type) => Native.LLVMABIAlignmentOfType(Native.LLVMGetModuleDataLayout(Handle), type.Handle);

    /// <summary>Operands of a named metadata node, each as the text of its operands.</summary>
    public IReadOnlyList<IReadOnlyList<string>> GetNamedMetadata(string name)
    {
        var count = Native.LLVMGetNamedMetadataNumOperands(Handle, name);
        var nodes = new nint[count];
        if (count > 0)
        {
            Native.LLVMGetNamedMetadataOperands(Handle, name, nodes);
        }
        return nodes.Select(LlvmValue.NodeOperandsAsText).ToArray();
    }

    /// <summary>Links <paramref name="source"/> into this module; the source is consumed.</summary>
    public void Link(LlvmModule source)
    {
        var failed = Native.LLVMLinkModules2(Handle, source.Handle) != 0;
        source._handle.Relinquish();
        if (failed)
        {
            throw new LlvmException("linking modules failed (conflicting definitions)");
        }
    }

    /// <summary>Checks the module; throws with LLVM's findings if it is broken.</summary>
    public void Verify()
    {
        if (Native.LLVMVerifyModule(Handle, 2 /* LLVMReturnStatusAction */, out var message) != 0)
        {
            throw new LlvmException("invalid module: " + NativeString.TakeMessage(message).Trim());
        }
        NativeString.TakeMessage(message);
    }

    /// <summary>Runs a new-pass-manager pipeline, e.g. <c>default&lt;O3&gt;</c>.</summary>
    public void RunPasses(string pipeline, LlvmTargetMachine? machine = null)
    {
        var options = Native.LLVMCreatePassBuilderOptions();
        try
        {
            NativeString.ThrowIfError(Native.LLVMRunPasses(Handle, pipeline, machine?.Handle ?? 0, options), $"running passes '{pipeline}'");
        }
        finally
        {
            Native.LLVMDisposePassBuilderOptions(options);
        }
    }

    /// <summary>Serialises the module to bitcode.</summary>
    public byte[] ToBitcode()
    {
        var buffer = Native.LLVMWriteBitcodeToMemoryBuffer(Handle);
        try
        {
            return LlvmTargetMachine.CopyBuffer(buffer);
        }
        finally
        {
            Native.LLVMDisposeMemoryBuffer(buffer);
        }
    }

    /// <summary>The module in LLVM's textual IR.</summary>
    public override string ToString() => NativeString.TakeMessage(Native.LLVMPrintModuleToString(Handle));

    /// <summary>Frees the module.</summary>
    public void Dispose() => _handle.Dispose();
}
