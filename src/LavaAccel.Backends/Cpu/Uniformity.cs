using LavaAccel.Llvm;

namespace LavaAccel.Backends.Cpu;

/// <summary>
/// Finds the allocas of a region body (after reg2mem) that hold the same value in every work-item
/// of a group — loop counters such as a reduction's stride. Those need one copy per group, not one
/// per work-item: kept per work-item they turn into memory the loop vectoriser cannot see through.
/// <para>
/// An alloca is uniform when every store to it stores a uniform value and executes in every
/// work-item or in none: its block is not control-dependent on a branch whose condition differs
/// between work-items. Values are uniform when built by pure integer operations from constants,
/// kernel arguments, the work-group descriptor and uniform allocas — never from the local ids or
/// other memory. Solved optimistically to a fixed point (a loop counter's uniformity depends on
/// the loop's exit branch, which depends on the counter).
/// </para>
/// </summary>
internal static class Uniformity
{
    private static readonly HashSet<int> PureOpcodes =
    [
        8, 10, 12, 14, 15, 17, 18, 20, 21, 22, 23, 24, 25, // integer arithmetic and logic
        29, 30, 31, 32, 42, 46,                          // gep, trunc, zext, sext, icmp, select
    ];
    private const int Load = 27;
    private const int Store = 28;

    internal static HashSet<LlvmValue> UniformAllocas(LlvmValue body, IReadOnlyList<LlvmValue> localIds, LlvmValue descriptor)
    {
        var blocks = body.Blocks;
        var controlDependences = ControlDependences(blocks);
        var candidates = body.Instructions.Where(i => i.IsAlloca && i.Users.All(u => u.IsLoad || u.IsStore && u.Operand(1) == i && u.Operand(0) != i)).ToHashSet();
        var ids = localIds.ToHashSet();
        bool changed;
        do
        {
            changed = false;
            var memo = new Dictionary<LlvmValue, bool>();
            bool Uniform(LlvmValue value)
            {
                if (ids.Contains(value))
                {
                    return false;
                }
                if (!value.IsInstruction)
                {
                    return true; // kernel arguments, the descriptor, constants
                }
                if (memo.TryGetValue(value, out var known))
                {
                    return known;
                }
                memo[value] = false;
                var opcode = value.Opcode;
                var result = opcode == Load
                    ? candidates.Contains(value.Operand(0)) || Rematerializer.DescriptorAddress(value.Operand(0), descriptor)
                    : PureOpcodes.Contains(opcode) && Enumerable.Range(0, value.OperandCount).All(i => Uniform(value.Operand(i)));
                memo[value] = result;
                return result;
            }
            var divergentBranches = blocks.Where(b => b.BranchCondition is { Exists: true } c && !Uniform(c)).ToHashSet();
            foreach (var alloca in candidates.ToArray())
            {
                var stores = alloca.Users.Where(u => u.IsStore);
                if (stores.All(s => Uniform(s.Operand(0)) && !controlDependences[s.Block].Overlaps(divergentBranches)))
                {
                    continue;
                }
                candidates.Remove(alloca);
                changed = true;
            }
        }
        while (changed);
        return candidates;
    }

    // For each block, the branch blocks it is control-dependent on: B depends on X when B
    // post-dominates a successor of X but does not strictly post-dominate X.
    private static Dictionary<LlvmBlock, HashSet<LlvmBlock>> ControlDependences(IReadOnlyList<LlvmBlock> blocks)
    {
        var successors = blocks.ToDictionary(b => b, b => b.Successors);
        var postDominators = blocks.ToDictionary(b => b, b => successors[b].Count == 0 ? new HashSet<LlvmBlock> { b } : blocks.ToHashSet());
        bool changed;
        do
        {
            changed = false;
            foreach (var block in blocks.Reverse())
            {
                if (successors[block].Count == 0)
                {
                    continue;
                }
                var next = new HashSet<LlvmBlock>(postDominators[successors[block][0]]);
                foreach (var s in successors[block].Skip(1))
                {
                    next.IntersectWith(postDominators[s]);
                }
                next.Add(block);
                if (!next.SetEquals(postDominators[block]))
                {
                    postDominators[block] = next;
                    changed = true;
                }
            }
        }
        while (changed);
        var dependences = blocks.ToDictionary(b => b, _ => new HashSet<LlvmBlock>());
        foreach (var branch in blocks.Where(b => successors[b].Distinct().Count() > 1))
        {
            foreach (var successor in successors[branch])
            {
                foreach (var dependent in postDominators[successor])
                {
                    if (dependent == branch || !postDominators[branch].Contains(dependent))
                    {
                        dependences[dependent].Add(branch);
                    }
                }
            }
        }
        return dependences;
    }
}
