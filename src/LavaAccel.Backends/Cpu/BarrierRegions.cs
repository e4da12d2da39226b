using LavaAccel.Llvm;

namespace LavaAccel.Backends.Cpu;

/// <summary>
/// Makes a kernel body with barriers resumable: it runs from the start or from just after any
/// barrier, until the next barrier, and returns which one it reached (-1 at the end).
/// <para>
/// Steps, on IR where every value that crosses a block boundary lives in an alloca (LLVM's
/// reg2mem, run before each step by the caller): <see cref="SplitAtBarriers"/> ends a block at
/// each barrier; <see cref="MakeResumable"/> gives every alloca one slot per work-item in a
/// context array, turns each barrier into <c>ret k</c>, and adds an entry switch on the resume
/// point. State that lives across a barrier is then in memory indexed by the work-item, so the
/// work-group function can run each region as a separate loop over all work-items.
/// </para>
/// </summary>
internal static class BarrierRegions
{
    // Offsets of lava_wg.local_size, in 64-bit words (see runtime/host/lava_host.h).
    private const int LocalSizeField = 3;

    /// <summary>Ends a block after every barrier call; the rest moves to a new block.</summary>
    internal static void SplitAtBarriers(LlvmModule module, LlvmBuilder builder, LlvmValue body)
    {
        foreach (var barrier in Barriers(body))
        {
            var block = barrier.Block;
            var tail = module.AppendBlock(body, "after.barrier");
            builder.AtEnd(tail);
            for (var instruction = barrier.Next; instruction.Exists;)
            {
                var following = instruction.Next;
                builder.Move(instruction);
                instruction = following;
            }
            builder.AtEnd(block);
            builder.Branch(tail);
        }
    }

    /// <summary>Rewrites a split body into its resumable form; returns the plan with its resume points and context size.</summary>
    internal static KernelPlan MakeResumable(LlvmModule module, LlvmBuilder builder, KernelPlan plan)
    {
        var context = module.Context;
        var i64 = context.Int64;
        var body = plan.Body;
        var parameters = body.Parameters;
        var first = plan.ParameterTypes.Count;
        var (lx, ly, lz, group, contextArrays, resume) = (parameters[first], parameters[first + 1], parameters[first + 2], parameters[first + 3], parameters[first + 4], parameters[first + 5]);
        var originalEntry = body.Blocks[0];
        var entry = module.InsertBlockBefore(originalEntry, "resume");
        builder.AtEnd(entry);

        LlvmValue Size(int d) => builder.Load(i64, builder.ElementPointer(i64, group, LlvmContext.Constant(i64, (ulong)(LocalSizeField + d))));
        var (s0, s1, s2) = (Size(0), Size(1), Size(2));
        var count = builder.Mul(builder.Mul(s0, s1), s2);
        var linear = builder.Add(builder.Mul(builder.Add(builder.Mul(lz, s1), ly), s0), lx);

        // Layout of the context: [uniform values at region entry | uniform values written in the
        // region | per-work-item arrays]. Structure of arrays: alloca k gets `count` consecutive
        // slots, so a region's loop over work-items touches consecutive addresses.
        var crossing = BarrierCrossing(body);
        var uniform = Uniformity.UniformAllocas(body, [lx, ly, lz], group);
        var allocas = body.Instructions.Where(i => i.IsAlloca).ToArray();
        var uniformSlots = new List<(LlvmValue Alloca, long Offset)>();
        long uniformBytes = 0;
        foreach (var alloca in allocas.Where(a => crossing(a) && uniform.Contains(a)))
        {
            long align = Math.Max(module.AlignmentOf(alloca.AllocatedType), 1u);
            uniformBytes = (uniformBytes + align - 1) / align * align;
            uniformSlots.Add((alloca, uniformBytes));
            uniformBytes += (long)module.SizeOf(alloca.AllocatedType);
        }
        uniformBytes = (uniformBytes + 63) / 64 * 64;
        var perItemBase = builder.ElementPointer(context.Int8, contextArrays, LlvmContext.Constant(i64, (ulong)(2 * uniformBytes)));
        long offset = 0;
        foreach (var alloca in allocas)
        {
            if (!crossing(alloca) || uniform.Contains(alloca))
            {
                // Read only within the region that wrote it, or the same in every work-item: an
                // ordinary variable of the work-item, which LLVM keeps in registers once the body
                // is inlined (uniform ones are loaded at region entry and saved at region exit).
                builder.Before(entry.FirstInstruction);
                builder.Move(alloca);
                builder.AtEnd(entry);
                continue;
            }
            if (alloca.Type.AddressSpace != 0)
            {
                throw new LavaException($"kernel '{plan.Name}': private variable in address space {alloca.Type.AddressSpace} is not supported with barriers");
            }
            var elements = alloca.Operand(0);
            var size = (long)module.SizeOf(alloca.AllocatedType) * (elements.IsConstantInt ? (long)elements.ConstantValue : 1);
            long align = Math.Max(module.AlignmentOf(alloca.AllocatedType), 1u);
            var stride = (size + align - 1) / align * align;
            offset = (offset + align - 1) / align * align;
            var arrayBase = builder.ElementPointer(context.Int8, perItemBase, builder.Mul(count, LlvmContext.Constant(i64, (ulong)offset)));
            var slot = builder.ElementPointer(context.Int8, arrayBase, builder.Mul(linear, LlvmContext.Constant(i64, (ulong)stride)));
            alloca.ReplaceAllUsesWith(slot);
            alloca.EraseInstruction();
            offset += stride;
        }
        foreach (var (alloca, slotOffset) in uniformSlots)
        {
            var atEntry = builder.ElementPointer(context.Int8, contextArrays, LlvmContext.Constant(i64, (ulong)slotOffset));
            builder.Store(builder.Load(alloca.AllocatedType, atEntry), alloca);
        }

        var targets = new List<LlvmBlock>();
        foreach (var barrier in Barriers(body))
        {
            var branch = barrier.Next;
            targets.Add(branch.Successor(0));
            builder.Before(barrier);
            builder.Return(LlvmContext.Constant(context.Int32, (ulong)targets.Count));
            branch.EraseInstruction();
            barrier.EraseInstruction();
        }
        // Every return ends a region: save the uniform values where the next region will find them.
        foreach (var ret in body.Instructions.Where(i => i.IsReturn).ToArray())
        {
            builder.Before(ret);
            foreach (var (alloca, slotOffset) in uniformSlots)
            {
                var written = builder.ElementPointer(context.Int8, contextArrays, LlvmContext.Constant(i64, (ulong)(uniformBytes + slotOffset)));
                builder.Store(builder.Load(alloca.AllocatedType, alloca), written);
            }
        }
        builder.AtEnd(entry);
        var @switch = builder.Switch(resume, originalEntry, targets.Count);
        for (var k = 0; k < targets.Count; k++)
        {
            LlvmBuilder.AddCase(@switch, LlvmContext.Constant(context.Int32, (ulong)(k + 1)), targets[k]);
        }
        return plan with { ResumePoints = targets.Count, ContextBytesPerItem = Math.Max(offset, 64), UniformBytes = uniformBytes };
    }

    /// <summary>
    /// Which allocas hold values that cross a barrier: a load reachable from a store of the same
    /// alloca along a path that leaves a barrier block. Those need a slot per work-item; the rest
    /// are private to one region's execution. Any use other than a plain load or store (an
    /// address taken, a private array) counts as crossing.
    /// </summary>
    private static Func<LlvmValue, bool> BarrierCrossing(LlvmValue body)
    {
        var barrierBlocks = Barriers(body).Select(b => b.Block).ToHashSet();
        return alloca =>
        {
            var users = alloca.Users;
            if (users.Any(u => !(u.IsLoad || u.IsStore && u.Operand(1) == alloca)))
            {
                return true;
            }
            // Per block: does it store the alloca, and does it read it before any store (an
            // upward-exposed load, which sees a value from before the block)?
            var storing = users.Where(u => u.IsStore).Select(u => u.Block).ToHashSet();
            var exposed = new HashSet<LlvmBlock>();
            foreach (var block in users.Select(u => u.Block).Distinct())
            {
                var first = block.Instructions.First(i => (i.IsLoad || i.IsStore) && users.Contains(i));
                if (first.IsLoad)
                {
                    exposed.Add(block);
                }
            }
            var seen = new HashSet<(LlvmBlock, bool)>();
            var work = new Stack<(LlvmBlock Block, bool Crossed)>(storing.Select(b => (b, false)));
            while (work.Count > 0)
            {
                var (block, crossed) = work.Pop();
                if (!seen.Add((block, crossed)))
                {
                    continue;
                }
                // A store in the block redefines the value; a barrier ends the block.
                var leaving = (crossed && !storing.Contains(block)) || barrierBlocks.Contains(block);
                foreach (var next in block.Successors)
                {
                    if (leaving && exposed.Contains(next))
                    {
                        return true;
                    }
                    work.Push((next, leaving));
                }
            }
            return false;
        };
    }

    private static LlvmValue[] Barriers(LlvmValue body) =>
        body.Instructions.Where(i => i.IsCall && i.CalledFunction is { Exists: true } callee && WorkItemBuiltins.Barriers.Contains(callee.Name)).ToArray();
}
