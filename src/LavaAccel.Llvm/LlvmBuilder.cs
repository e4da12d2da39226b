namespace LavaAccel.Llvm;

/// <summary>Creates instructions at a position.</summary>
public sealed class LlvmBuilder : IDisposable
{
    private readonly BuilderHandle _handle;

    internal LlvmBuilder(LlvmContext context) => _handle = new BuilderHandle(Native.LLVMCreateBuilderInContext(context.Handle));

    private nint H => _handle.DangerousGetHandle();

    /// <summary>Positions at the end of a block.</summary>
    public void AtEnd(LlvmBlock block) => Native.LLVMPositionBuilderAtEnd(H, block.Handle);

    /// <summary>Positions before an instruction.</summary>
    public void Before(LlvmValue instruction) => Native.LLVMPositionBuilderBefore(H, instruction.Handle);

    /// <summary>Integer addition.</summary>
    public LlvmValue Add(LlvmValue a, LlvmValue b, string name = "") => new(Native.LLVMBuildAdd(H, a.Handle, b.Handle, name));

    /// <summary>Integer addition that cannot wrap (unsigned).</summary>
    public LlvmValue AddNoWrap(LlvmValue a, LlvmValue b, string name = "") => new(Native.LLVMBuildNUWAdd(H, a.Handle, b.Handle, name));

    /// <summary>Integer multiplication.</summary>
    public LlvmValue Mul(LlvmValue a, LlvmValue b, string name = "") => new(Native.LLVMBuildMul(H, a.Handle, b.Handle, name));

    /// <summary>Integer comparison.</summary>
    public LlvmValue Compare(IntPredicate predicate, LlvmValue a, LlvmValue b, string name = "") =>
        new(Native.LLVMBuildICmp(H, (int)predicate, a.Handle, b.Handle, name));

    /// <summary>Select.</summary>
    public LlvmValue Select(LlvmValue condition, LlvmValue then, LlvmValue otherwise, string name = "") =>
        new(Native.LLVMBuildSelect(H, condition.Handle, then.Handle, otherwise.Handle, name));

    /// <summary>Load.</summary>
    public LlvmValue Load(LlvmType type, LlvmValue pointer, string name = "") => new(Native.LLVMBuildLoad2(H, type.Handle, pointer.Handle, name));

    /// <summary>Store.</summary>
    public void Store(LlvmValue value, LlvmValue pointer) => Native.LLVMBuildStore(H, value.Handle, pointer.Handle);

    /// <summary>In-bounds GEP.</summary>
    public LlvmValue ElementPointer(LlvmType elementType, LlvmValue pointer, params LlvmValue[] indices) =>
        new(Native.LLVMBuildInBoundsGEP2(H, elementType.Handle, pointer.Handle, indices.Select(i => i.Handle).ToArray(), (uint)indices.Length, ""));

    /// <summary>Zero-extends or truncates an integer to another width.</summary>
    public LlvmValue ResizeUnsigned(LlvmValue value, LlvmType from, LlvmType to, int fromBits, int toBits) => fromBits == toBits
        ? value
        : fromBits < toBits
            ? new(Native.LLVMBuildZExtOrBitCast(H, value.Handle, to.Handle, ""))
            : new(Native.LLVMBuildTruncOrBitCast(H, value.Handle, to.Handle, ""));

    /// <summary>A phi node.</summary>
    public LlvmValue Phi(LlvmType type, string name = "") => new(Native.LLVMBuildPhi(H, type.Handle, name));

    /// <summary>Adds incoming values to a phi node.</summary>
    public static void AddIncoming(LlvmValue phi, params (LlvmValue Value, LlvmBlock Block)[] incoming) =>
        Native.LLVMAddIncoming(phi.Handle, incoming.Select(i => i.Value.Handle).ToArray(), incoming.Select(i => i.Block.Handle).ToArray(), (uint)incoming.Length);

    /// <summary>Unconditional branch.</summary>
    public void Branch(LlvmBlock destination) => Native.LLVMBuildBr(H, destination.Handle);

    /// <summary>Conditional branch.</summary>
    public void Branch(LlvmValue condition, LlvmBlock then, LlvmBlock otherwise) =>
        Native.LLVMBuildCondBr(H, condition.Handle, then.Handle, otherwise.Handle);

    /// <summary>Call.</summary>
    public LlvmValue Call(LlvmType functionType, LlvmValue function, params LlvmValue[] args) =>
        new(Native.LLVMBuildCall2(H, functionType.Handle, function.Handle, args.Select(a => a.Handle).ToArray(), (uint)args.Length, ""));

    /// <summary>Moves an instruction from its block to the builder's position.</summary>
    public void Move(LlvmValue instruction)
    {
        Native.LLVMInstructionRemoveFromParent(instruction.Handle);
        Native.LLVMInsertIntoBuilderWithName(H, instruction.Handle, "");
    }

    /// <summary>Inserts an instruction that is in no block (e.g. a clone) at the builder's position.</summary>
    public void Insert(LlvmValue instruction) => Native.LLVMInsertIntoBuilderWithName(H, instruction.Handle, "");

    /// <summary>memcpy of <paramref name="size"/> bytes.</summary>
    public void MemCopy(LlvmValue destination, LlvmValue source, LlvmValue size, uint align) =>
        Native.LLVMBuildMemCpy(H, destination.Handle, align, source.Handle, align, size.Handle);

    /// <summary>A switch; add cases with <see cref="AddCase"/>.</summary>
    public LlvmValue Switch(LlvmValue value, LlvmBlock otherwise, int cases) => new(Native.LLVMBuildSwitch(H, value.Handle, otherwise.Handle, (uint)cases));

    /// <summary>Adds a case to a switch.</summary>
    public static void AddCase(LlvmValue @switch, LlvmValue onValue, LlvmBlock destination) => Native.LLVMAddCase(@switch.Handle, onValue.Handle, destination.Handle);

    /// <summary>Return a value.</summary>
    public void Return(LlvmValue value) => Native.LLVMBuildRet(H, value.Handle);

    /// <summary>Return from a void function.</summary>
    public void ReturnVoid() => Native.LLVMBuildRetVoid(H);

    /// <summary>Frees the builder.</summary>
    public void Dispose() => _handle.Dispose();
}
