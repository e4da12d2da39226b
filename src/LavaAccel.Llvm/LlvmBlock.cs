namespace LavaAccel.Llvm;

/// <summary>A basic block (owned by its function).</summary>
public readonly record struct LlvmBlock
{
    internal LlvmBlock(nint handle) => Handle = handle;

    internal nint Handle { get; }

    /// <summary>Instructions in order. Snapshot: safe to erase while iterating.</summary>
    public IReadOnlyList<LlvmValue> Instructions
    {
        get
        {
            var list = new List<LlvmValue>();
            for (var i = Native.LLVMGetFirstInstruction(Handle); i != 0; i = Native.LLVMGetNextInstruction(i))
            {
                list.Add(new LlvmValue(i));
            }
            return list;
        }
    }

    /// <summary>The first instruction of the block.</summary>
    public LlvmValue FirstInstruction => new(Native.LLVMGetFirstInstruction(Handle));

    /// <summary>The block's terminator, or a non-existent value.</summary>
    public LlvmValue Terminator => new(Native.LLVMGetBasicBlockTerminator(Handle));

    /// <summary>
    /// The value that decides which successor runs: the condition of a conditional branch or the
    /// operand of a switch; a non-existent value for unconditional branches and returns.
    /// </summary>
    public LlvmValue BranchCondition
    {
        get
        {
            var terminator = Native.LLVMGetBasicBlockTerminator(Handle);
            if (terminator == 0)
            {
                return default;
            }
            var opcode = Native.LLVMGetInstructionOpcode(terminator);
            return opcode switch
            {
                2 when Native.LLVMIsConditional(terminator) != 0 => new LlvmValue(Native.LLVMGetCondition(terminator)), // br
                3 => new LlvmValue(Native.LLVMGetOperand(terminator, 0)), // switch
                _ => default,
            };
        }
    }

    /// <summary>The blocks control can go to from this one.</summary>
    public IReadOnlyList<LlvmBlock> Successors
    {
        get
        {
            var terminator = Native.LLVMGetBasicBlockTerminator(Handle);
            if (terminator == 0)
            {
                return [];
            }
            var count = Native.LLVMGetNumSuccessors(terminator);
            var list = new LlvmBlock[count];
            for (uint i = 0; i < count; i++)
            {
                list[i] = new LlvmBlock(Native.LLVMGetSuccessor(terminator, i));
            }
            return list;
        }
    }

    /// <summary>Detaches the block from its function and appends it to another.</summary>
    public void MoveTo(LlvmValue function)
    {
        Native.LLVMRemoveBasicBlockFromParent(Handle);
        Native.LLVMAppendExistingBasicBlock(function.Handle, Handle);
    }
}
