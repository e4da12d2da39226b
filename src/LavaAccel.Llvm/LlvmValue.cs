using System.Runtime.InteropServices;

namespace LavaAccel.Llvm;

/// <summary>An LLVM value: function, global, instruction, argument or constant (owned by its module).</summary>
public readonly record struct LlvmValue
{
    private const int OpcodeCall = 45; // LLVMCall

    internal LlvmValue(nint handle) => Handle = handle;

    internal nint Handle { get; }

    /// <summary>False for the null value LLVM returns when something is absent.</summary>
    public bool Exists => Handle != 0;

    /// <summary>Value name (function or global symbol name).</summary>
    public string Name
    {
        get => NativeString.Borrowed(Native.LLVMGetValueName2(Handle, out var length), length);
        set => Native.LLVMSetValueName2(Handle, value, (nuint)System.Text.Encoding.UTF8.GetByteCount(value));
    }

    /// <summary>The value's type (for globals and functions: a pointer).</summary>
    public LlvmType Type => new(Native.LLVMTypeOf(Handle));

    /// <summary>For functions and globals: the type of what they define.</summary>
    public LlvmType ValueType => new(Native.LLVMGlobalGetValueType(Handle));

    /// <summary>Whether a function or global has no body/initialiser here.</summary>
    public bool IsDeclaration => Native.LLVMIsDeclaration(Handle) != 0;

    /// <summary>Whether this is a function.</summary>
    public bool IsFunction => Native.LLVMIsAFunction(Handle) != 0;

    /// <summary>Whether this is an integer constant.</summary>
    public bool IsConstantInt => Native.LLVMIsAConstantInt(Handle) != 0;

    /// <summary>The zero-extended value of an integer constant.</summary>
    public ulong ConstantValue => Native.LLVMConstIntGetZExtValue(Handle);

    /// <summary>Value of an integer constant, sign-extended.</summary>
    public long SignedConstantValue => Native.LLVMConstIntGetSExtValue(Handle);

    /// <summary>A phi node's incoming (value, block) pairs.</summary>
    public IReadOnlyList<(LlvmValue Value, LlvmBlock Block)> Incoming
    {
        get
        {
            var phi = Handle;
            return [.. Enumerable.Range(0, (int)Native.LLVMCountIncoming(phi)).Select(i =>
                (new LlvmValue(Native.LLVMGetIncomingValue(phi, (uint)i)), new LlvmBlock(Native.LLVMGetIncomingBlock(phi, (uint)i))))];
        }
    }

    /// <summary>The predicate of an <c>icmp</c>.</summary>
    public IntPredicate ComparePredicate => (IntPredicate)Native.LLVMGetICmpPredicate(Handle);

    /// <summary>Calling convention of a function.</summary>
    public uint CallingConvention
    {
        get => Native.LLVMGetFunctionCallConv(Handle);
        set => Native.LLVMSetFunctionCallConv(Handle, value);
    }

    /// <summary>Linkage of a function or global.</summary>
    public LlvmLinkage Linkage
    {
        get => (LlvmLinkage)Native.LLVMGetLinkage(Handle);
        set => Native.LLVMSetLinkage(Handle, (int)value);
    }

    /// <summary>Makes a global thread-local (local-dynamic model: it lives in a shared object).</summary>
    public void MakeThreadLocal()
    {
        Native.LLVMSetThreadLocal(Handle, 1);
        Native.LLVMSetThreadLocalMode(Handle, 2); // LLVMLocalDynamicTLSModel
    }

    /// <summary>Gives a symbol default visibility (exported from a shared object).</summary>
    public void MakeVisible() => Native.LLVMSetVisibility(Handle, 0);

    /// <summary>Function parameters.</summary>
    public IReadOnlyList<LlvmValue> Parameters
    {
        get
        {
            var count = Native.LLVMCountParams(Handle);
            var list = new LlvmValue[count];
            for (uint i = 0; i < count; i++)
            {
                list[i] = new LlvmValue(Native.LLVMGetParam(Handle, i));
            }
            return list;
        }
    }

    /// <summary>Basic blocks of a function (snapshot).</summary>
    public IReadOnlyList<LlvmBlock> Blocks
    {
        get
        {
            var list = new List<LlvmBlock>();
            for (var b = Native.LLVMGetFirstBasicBlock(Handle); b != 0; b = Native.LLVMGetNextBasicBlock(b))
            {
                list.Add(new LlvmBlock(b));
            }
            return list;
        }
    }

    /// <summary>All instructions of a function, block by block (snapshot).</summary>
    public IEnumerable<LlvmValue> Instructions => Blocks.SelectMany(b => b.Instructions);

    /// <summary>Whether this instruction is an alloca.</summary>
    public bool IsAlloca => Native.LLVMGetInstructionOpcode(Handle) == 26; // LLVMAlloca

    /// <summary>Whether this value is a function parameter.</summary>
    public bool IsArgument => Native.LLVMIsAArgument(Handle) != 0;

    /// <summary>Whether a call instruction calls inline assembly.</summary>
    public bool CallsInlineAssembly => Native.LLVMIsAInlineAsm(Native.LLVMGetCalledValue(Handle)) != 0;

    /// <summary>A global's explicit section (<c>section ".init_array"</c>), or empty.</summary>
    public string Section => System.Runtime.InteropServices.Marshal.PtrToStringUTF8(Native.LLVMGetSection(Handle)) ?? "";

    /// <summary>
    /// For a call, invoke or callbr: the function it calls directly (the callee, possibly behind a
    /// pointer cast), or a non-existent value for a pointer computed at run time or inline assembly.
    /// </summary>
    public LlvmValue DirectCallee
    {
        get
        {
            var callee = Native.LLVMGetCalledValue(Handle);
            if (Native.LLVMIsAFunction(callee) != 0)
            {
                return new LlvmValue(callee);
            }
            // bitcast (41) or addrspacecast (60) of a function: still that function.
            return Native.LLVMIsAConstantExpr(callee) != 0 && Native.LLVMGetConstOpcode(callee) is 41 or 60
                && Native.LLVMIsAFunction(Native.LLVMGetOperand(callee, 0)) != 0
                ? new LlvmValue(Native.LLVMGetOperand(callee, 0))
                : default;
        }
    }

    /// <summary>For a call, invoke or callbr: whether it calls a function directly (<see cref="DirectCallee"/> exists).</summary>
    public bool IsDirectCall => DirectCallee.Exists;

    /// <summary>Whether this is a call-like instruction (call, invoke, callbr).</summary>
    public bool IsCallLike => Native.LLVMGetInstructionOpcode(Handle) is OpcodeCall or 5 or 67; // LLVMCall, LLVMInvoke, LLVMCallBr

    /// <summary>Whether this value is an instruction.</summary>
    public bool IsInstruction => Native.LLVMIsAInstruction(Handle) != 0;

    /// <summary>Whether this instruction is a phi node.</summary>
    public bool IsPhi => Native.LLVMIsAPHINode(Handle) != 0;

    /// <summary>The LLVMOpcode of an instruction.</summary>
    public int Opcode => Native.LLVMGetInstructionOpcode(Handle);

    /// <summary>Number of operands.</summary>
    public int OperandCount => Native.LLVMGetNumOperands(Handle);

    /// <summary>Replaces operand <paramref name="index"/>.</summary>
    public void SetOperand(int index, LlvmValue value) => Native.LLVMSetOperand(Handle, (uint)index, value.Handle);

    /// <summary>A copy of this instruction, not yet in any block (insert it with a builder).</summary>
    public LlvmValue CloneInstruction() => new(Native.LLVMInstructionClone(Handle));

    /// <summary>Whether this instruction is a load.</summary>
    public bool IsLoad => Native.LLVMGetInstructionOpcode(Handle) == 27; // LLVMLoad

    /// <summary>Whether this instruction is a store.</summary>
    public bool IsStore => Native.LLVMGetInstructionOpcode(Handle) == 28; // LLVMStore

    /// <summary>Whether this instruction is a return.</summary>
    public bool IsReturn => Native.LLVMGetInstructionOpcode(Handle) == 1; // LLVMRet

    /// <summary>The type an alloca allocates.</summary>
    public LlvmType AllocatedType => new(Native.LLVMGetAllocatedType(Handle));

    /// <summary>Successor <paramref name="index"/> of a terminator.</summary>
    public LlvmBlock Successor(int index) => new(Native.LLVMGetSuccessor(Handle, (uint)index));

    /// <summary>The block an instruction is in.</summary>
    public LlvmBlock Block => new(Native.LLVMGetInstructionParent(Handle));

    /// <summary>The instruction after this one in its block, or a non-existent value.</summary>
    public LlvmValue Next => new(Native.LLVMGetNextInstruction(Handle));

    /// <summary>Whether this instruction is a call.</summary>
    public bool IsCall => Native.LLVMGetInstructionOpcode(Handle) == OpcodeCall;

    /// <summary>The function a call instruction calls directly, or a non-existent value.</summary>
    public LlvmValue CalledFunction
    {
        get
        {
            var callee = new LlvmValue(Native.LLVMGetCalledValue(Handle));
            return callee.IsFunction ? callee : default;
        }
    }

    /// <summary>Number of arguments of a call instruction.</summary>
    public int ArgumentCount => (int)Native.LLVMGetNumArgOperands(Handle);

    /// <summary>Operand <paramref name="index"/> of an instruction (call arguments come first).</summary>
    public LlvmValue Operand(int index) => new(Native.LLVMGetOperand(Handle, (uint)index));

    /// <summary>Calling convention of a call instruction.</summary>
    public uint CallSiteConvention
    {
        get => Native.LLVMGetInstructionCallConv(Handle);
        set => Native.LLVMSetInstructionCallConv(Handle, value);
    }

    /// <summary>Instructions and constants that use this value (snapshot).</summary>
    public IReadOnlyList<LlvmValue> Users
    {
        get
        {
            var list = new List<LlvmValue>();
            for (var u = Native.LLVMGetFirstUse(Handle); u != 0; u = Native.LLVMGetNextUse(u))
            {
                list.Add(new LlvmValue(Native.LLVMGetUser(u)));
            }
            return list;
        }
    }

    /// <summary>Replaces every use of this value with another.</summary>
    public void ReplaceAllUsesWith(LlvmValue other) => Native.LLVMReplaceAllUsesWith(Handle, other.Handle);

    /// <summary>Removes an instruction from its block and deletes it.</summary>
    public void EraseInstruction() => Native.LLVMInstructionEraseFromParent(Handle);

    /// <summary>Deletes a function from its module.</summary>
    public void DeleteFunction() => Native.LLVMDeleteFunction(Handle);

    /// <summary>Adds an enum attribute (e.g. <c>alwaysinline</c>) to a function.</summary>
    public void AddFunctionAttribute(LlvmContext context, string name) =>
        Native.LLVMAddAttributeAtIndex(Handle, uint.MaxValue, Native.LLVMCreateEnumAttribute(context.Handle, AttributeKind(name), 0));

    /// <summary>Adds an enum attribute (e.g. <c>noalias</c>) to parameter <paramref name="index"/> (0-based).</summary>
    public void AddParameterAttribute(LlvmContext context, int index, string name) =>
        Native.LLVMAddAttributeAtIndex(Handle, (uint)index + 1, Native.LLVMCreateEnumAttribute(context.Handle, AttributeKind(name), 0));

    /// <summary>Adds an enum attribute (e.g. <c>noalias</c>) to a function's return value.</summary>
    public void AddReturnAttribute(LlvmContext context, string name) =>
        Native.LLVMAddAttributeAtIndex(Handle, 0, Native.LLVMCreateEnumAttribute(context.Handle, AttributeKind(name), 0));

    /// <summary>Adds a string attribute (e.g. <c>prefer-vector-width</c>) to a function.</summary>
    public void AddFunctionAttribute(LlvmContext context, string key, string value) =>
        Native.LLVMAddAttributeAtIndex(Handle, uint.MaxValue, Native.LLVMCreateStringAttribute(context.Handle, key, (uint)key.Length, value, (uint)value.Length));

    /// <summary>Removes an enum attribute from a function, if present.</summary>
    public void RemoveFunctionAttribute(string name) => Native.LLVMRemoveEnumAttributeAtIndex(Handle, uint.MaxValue, AttributeKind(name));

    /// <summary>Removes a string attribute from a function, if present.</summary>
    public void RemoveStringFunctionAttribute(string key) => Native.LLVMRemoveStringAttributeAtIndex(Handle, uint.MaxValue, key, (uint)key.Length);

    /// <summary>Removes an enum attribute from a call site's function attributes.</summary>
    public void RemoveCallSiteAttribute(string name) => Native.LLVMRemoveCallSiteEnumAttribute(Handle, uint.MaxValue, AttributeKind(name));

    /// <summary>
    /// Operands of the function-attached metadata node <paramref name="kind"/> (e.g. OpenCL's
    /// <c>kernel_arg_type</c>): strings as strings, integer constants as decimal text.
    /// </summary>
    public IReadOnlyList<string>? GetMetadataStrings(LlvmContext context, string kind)
    {
        var kindId = Native.LLVMGetMDKindIDInContext(context.Handle, kind, (uint)kind.Length);
        var entries = Native.LLVMGlobalCopyAllMetadata(Handle, out var count);
        try
        {
            for (uint i = 0; i < count; i++)
            {
                if (Native.LLVMValueMetadataEntriesGetKind(entries, i) != kindId)
                {
                    continue;
                }
                var node = Native.LLVMMetadataAsValue(context.Handle, Native.LLVMValueMetadataEntriesGetMetadata(entries, i));
                return NodeOperandsAsText(node);
            }
            return null;
        }
        finally
        {
            if (entries != 0)
            {
                Native.LLVMDisposeValueMetadataEntries(entries);
            }
        }
    }

    internal static IReadOnlyList<string> NodeOperandsAsText(nint node)
    {
        var operands = new nint[Native.LLVMGetMDNodeNumOperands(node)];
        if (operands.Length > 0)
        {
            Native.LLVMGetMDNodeOperands(node, operands);
        }
        return operands.Select(OperandText).ToArray();
    }

    private static string OperandText(nint operand)
    {
        if (operand == 0)
        {
            return "";
        }
        if (Native.LLVMIsAConstantInt(operand) != 0)
        {
            return Native.LLVMConstIntGetZExtValue(operand).ToString(System.Globalization.CultureInfo.InvariantCulture);
        }
        var text = Native.LLVMGetMDString(operand, out var length);
        return text == 0 ? "" : Marshal.PtrToStringUTF8(text, (int)length);
    }

    private static uint AttributeKind(string name)
    {
        var kind = Native.LLVMGetEnumAttributeKindForName(name, (nuint)name.Length);
        return kind != 0 ? kind : throw new LlvmException($"unknown LLVM attribute '{name}'");
    }
}
