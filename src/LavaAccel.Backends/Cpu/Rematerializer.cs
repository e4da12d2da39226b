using LavaAccel.Llvm;

namespace LavaAccel.Backends.Cpu;

/// <summary>
/// Recomputes cheap values where they are used instead of carrying them across blocks: integer
/// arithmetic on the body's parameters (local ids, kernel arguments) and loads from the work-group
/// descriptor. In a kernel with barriers every value carried across a barrier costs a store and a
/// load per work-item; ids and indices are most of them and cost one instruction to recompute.
/// </summary>
internal static class Rematerializer
{
    // LLVMOpcode values of side-effect-free integer operations that cannot trap.
    private static readonly HashSet<int> PureOpcodes =
    [
        8, 10, 12,              // add, sub, mul
        20, 21, 22, 23, 24, 25, // shl, lshr, ashr, and, or, xor
        29,                     // getelementptr
        30, 31, 32,             // trunc, zext, sext
        42, 46,                 // icmp, select
    ];
    private const int Load = 27;

    /// <summary>Clones rematerialisable values next to each use in another block.</summary>
    internal static void Apply(LlvmValue body, LlvmValue descriptor, LlvmBuilder builder)
    {
        var memo = new Dictionary<LlvmValue, bool>();
        bool Cheap(LlvmValue value)
        {
            if (!value.IsInstruction)
            {
                return true; // parameters and constants
            }
            if (memo.TryGetValue(value, out var known))
            {
                return known;
            }
            memo[value] = false; // cycles (through phis) are not cheap
            var opcode = value.Opcode;
            var cheap = opcode == Load
                ? DescriptorAddress(value.Operand(0), descriptor)
                : PureOpcodes.Contains(opcode) && Enumerable.Range(0, value.OperandCount).All(i => Cheap(value.Operand(i)));
            memo[value] = cheap;
            return cheap;
        }

        foreach (var instruction in body.Instructions.ToArray())
        {
            if (!instruction.IsInstruction || !Cheap(instruction))
            {
                continue;
            }
            var home = instruction.Block;
            foreach (var user in instruction.Users)
            {
                if (!user.IsInstruction || user.IsPhi || user.Block == home)
                {
                    continue;
                }
                var copies = new Dictionary<LlvmValue, LlvmValue>();
                var clone = CloneBefore(instruction, user, builder, copies);
                for (var i = 0; i < user.OperandCount; i++)
                {
                    if (user.Operand(i) == instruction)
                    {
                        user.SetOperand(i, clone);
                    }
                }
            }
        }
    }

    /// <summary>Whether a pointer is the work-group descriptor or a constant offset into it (its loads are group-invariant).</summary>
    internal static bool DescriptorAddress(LlvmValue pointer, LlvmValue descriptor) =>
        pointer == descriptor || pointer.IsInstruction && pointer.Opcode == 29 && pointer.Operand(0) == descriptor
            && Enumerable.Range(1, pointer.OperandCount - 1).All(i => !pointer.Operand(i).IsInstruction);

    private static LlvmValue CloneBefore(LlvmValue value, LlvmValue user, LlvmBuilder builder, Dictionary<LlvmValue, LlvmValue> copies)
    {
        if (!value.IsInstruction)
        {
            return value;
        }
        if (copies.TryGetValue(value, out var existing))
        {
            return existing;
        }
        var operands = Enumerable.Range(0, value.OperandCount).Select(i => CloneBefore(value.Operand(i), user, builder, copies)).ToArray();
        var clone = value.CloneInstruction();
        for (var i = 0; i < operands.Length; i++)
        {
            clone.SetOperand(i, operands[i]);
        }
        builder.Before(user);
        builder.Insert(clone);
        copies[value] = clone;
        return clone;
    }
}
