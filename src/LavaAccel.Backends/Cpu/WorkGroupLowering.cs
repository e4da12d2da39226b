using LavaAccel.Llvm;

namespace LavaAccel.Backends.Cpu;

/// <summary>
/// Turns one OpenCL kernel into a work-group function <c>__lava_wg_K(void** args, lava_wg* wg)</c>
/// (the ABI of runtime/host/lava_host.h).
/// <para>
/// The kernel body gets the local ids and the work-group descriptor as parameters, and every
/// work-item function becomes arithmetic on them. Kernels without barriers then run as a loop
/// nest over the local ids with the body inlined, which the loop vectoriser turns into SIMD code
/// across work-items. Kernels with barriers run each work-item as a fiber of the host runtime;
/// a barrier is one user-space context switch to the next work-item.
/// </para>
/// </summary>
internal sealed class WorkGroupLowering
{
    // Field offsets of lava_wg, in 64-bit words.
    private const int GroupIdField = 0;
    private const int LocalSizeField = 3;
    private const int GlobalSizeField = 6;
    private const int GlobalOffsetField = 9;
    private const int NumGroupsField = 12;
    private const int WorkDimField = 15;

    private readonly LlvmModule _module;
    private readonly LlvmContext _context;
    private readonly LlvmBuilder _builder;
    private readonly LlvmType _i64;
    private readonly LlvmType _ptr;

    internal WorkGroupLowering(LlvmModule module, LlvmBuilder builder)
    {
        _module = module;
        _context = module.Context;
        _builder = builder;
        _i64 = _context.Int64;
        _ptr = _context.Pointer();
    }

    /// <summary>
    /// First step for one kernel: moves its code into a body function that takes the local ids
    /// and the work-group descriptor, and rewrites the work-item functions. Kernels with barriers
    /// in <see cref="BarrierMode.Regions"/> keep their barrier calls for <see cref="BarrierRegions"/>.
    /// </summary>
    internal KernelPlan Prepare(LlvmValue kernel, BarrierMode barrierMode)
    {
        var name = kernel.Name;
        var hasBarrier = kernel.Instructions.Any(i => i.IsCall && i.CalledFunction is { Exists: true } callee && WorkItemBuiltins.Barriers.Contains(callee.Name));
        var mode = !hasBarrier ? KernelMode.Loop : barrierMode == BarrierMode.Fibers ? KernelMode.Fibers : KernelMode.Regions;
        var parameterTypes = kernel.ValueType.ParameterTypes;
        // Region bodies also take the per-work-item context and the point to resume at, and
        // return the barrier they stopped at (-1: the work-item finished).
        var bodyType = mode == KernelMode.Regions
            ? LlvmContext.Function(_context.Int32, [.. parameterTypes, _i64, _i64, _i64, _ptr, _ptr, _context.Int32])
            : LlvmContext.Function(_context.Void, [.. parameterTypes, _i64, _i64, _i64, _ptr]);
        var body = _module.AddFunction("__lava_body_" + name, bodyType);
        foreach (var block in kernel.Blocks)
        {
            block.MoveTo(body);
        }
        var oldParameters = kernel.Parameters;
        var parameters = body.Parameters;
        for (var i = 0; i < oldParameters.Count; i++)
        {
            oldParameters[i].ReplaceAllUsesWith(parameters[i]);
        }
        kernel.DeleteFunction();
        body.Linkage = LlvmLinkage.Internal;
        body.AddFunctionAttribute(_context, "alwaysinline");

        var p = parameterTypes.Count;
        var ids = new LocalIds(parameters[p], parameters[p + 1], parameters[p + 2], parameters[p + 3]);
        RewriteBuiltins(body, ids, keepBarriers: mode == KernelMode.Regions);
        if (mode == KernelMode.Regions)
        {
            foreach (var ret in body.Instructions.Where(i => i.IsReturn).ToArray())
            {
                _builder.Before(ret);
                _builder.Return(Const32(-1));
                ret.EraseInstruction();
            }
        }
        return new KernelPlan(name, mode, body, bodyType, parameterTypes);
    }

    /// <summary>Last step for one kernel: emits its exported work-group function <c>__lava_wg_K</c>.</summary>
    internal void Finish(KernelPlan plan)
    {
        var wrapper = _module.AddFunction("__lava_wg_" + plan.Name, LlvmContext.Function(_context.Void, _ptr, _ptr));
        wrapper.MakeVisible();
        MarkPrivate(wrapper);
        switch (plan.Mode)
        {
            case KernelMode.Fibers:
                EmitFiberLaunch(plan.Name, wrapper, plan.Body, plan.BodyType, plan.ParameterTypes);
                break;
            case KernelMode.Regions:
                EmitRegionLoops(wrapper, plan);
                break;
            default:
                EmitLoopNest(wrapper, plan.Body, plan.BodyType, plan.ParameterTypes);
                break;
        }
    }

    // The argument array and the work-group descriptor never overlap the kernel's buffers. Saying
    // so lets LLVM hoist every descriptor load out of the work-item loop, which is what makes
    // the loop vectorisable.
    private void MarkPrivate(LlvmValue function)
    {
        function.AddParameterAttribute(_context, 0, "noalias");
        function.AddParameterAttribute(_context, 1, "noalias");
    }

    private readonly record struct LocalIds(LlvmValue X, LlvmValue Y, LlvmValue Z, LlvmValue Group);

    private void RewriteBuiltins(LlvmValue body, LocalIds ids, bool keepBarriers)
    {
        foreach (var instruction in body.Instructions)
        {
            if (!instruction.IsCall)
            {
                continue;
            }
            var callee = instruction.CalledFunction;
            if (!callee.Exists)
            {
                continue;
            }
            var calleeName = callee.Name;
            if (WorkItemBuiltins.Barriers.Contains(calleeName))
            {
                if (keepBarriers)
                {
                    continue;
                }
                _builder.Before(instruction);
                var barrierType = LlvmContext.Function(_context.Void);
                _builder.Call(barrierType, Declare("__lava_barrier", barrierType));
                instruction.EraseInstruction();
            }
            else if (WorkItemBuiltins.Fences.Contains(calleeName))
            {
                instruction.EraseInstruction();
            }
            else if (WorkItemBuiltins.All.Contains(calleeName))
            {
                _builder.Before(instruction);
                var value = Evaluate(calleeName, instruction, ids);
                var resultType = instruction.Type;
                var bits = resultType == _context.Int32 ? 32 : 64;
                instruction.ReplaceAllUsesWith(_builder.ResizeUnsigned(value, _i64, resultType, 64, bits));
                instruction.EraseInstruction();
            }
        }
    }

    private LlvmValue Evaluate(string builtin, LlvmValue call, LocalIds ids)
    {
        LlvmValue Dim() => call.Operand(0);
        return builtin switch
        {
            WorkItemBuiltins.LocalId => LocalId(ids, Dim()),
            WorkItemBuiltins.GlobalId => GlobalId(ids, Dim()),
            WorkItemBuiltins.GroupId => Field(ids.Group, GroupIdField, Dim(), 0),
            WorkItemBuiltins.LocalSize or WorkItemBuiltins.EnqueuedLocalSize => Field(ids.Group, LocalSizeField, Dim(), 1),
            WorkItemBuiltins.GlobalSize => Field(ids.Group, GlobalSizeField, Dim(), 1),
            WorkItemBuiltins.NumGroups => Field(ids.Group, NumGroupsField, Dim(), 1),
            WorkItemBuiltins.GlobalOffset => Field(ids.Group, GlobalOffsetField, Dim(), 0),
            WorkItemBuiltins.WorkDim => Word(ids.Group, WorkDimField),
            WorkItemBuiltins.LocalLinearId => Linear(i => LocalId(ids, Const32(i)), i => Word(ids.Group, LocalSizeField + i)),
            _ => Linear(i => _builder.Add(_builder.Mul(Word(ids.Group, GroupIdField + i), Word(ids.Group, LocalSizeField + i)), LocalId(ids, Const32(i))),
                i => Word(ids.Group, GlobalSizeField + i)),
        };
    }

    private LlvmValue GlobalId(LocalIds ids, LlvmValue dim)
    {
        var groupStart = _builder.Mul(Field(ids.Group, GroupIdField, dim, 0), Field(ids.Group, LocalSizeField, dim, 1));
        var withLocal = _builder.AddNoWrap(groupStart, LocalId(ids, dim));
        return _builder.AddNoWrap(withLocal, Field(ids.Group, GlobalOffsetField, dim, 0));
    }

    // (z * size1 + y) * size0 + x, for the local or global linear id.
    private LlvmValue Linear(Func<int, LlvmValue> id, Func<int, LlvmValue> size) =>
        _builder.Add(_builder.Mul(_builder.Add(_builder.Mul(id(2), size(1)), id(1)), size(0)), id(0));

    private LlvmValue LocalId(LocalIds ids, LlvmValue dim)
    {
        if (dim.IsConstantInt)
        {
            return dim.ConstantValue switch { 0 => ids.X, 1 => ids.Y, 2 => ids.Z, _ => Const64(0) };
        }
        var d = _builder.ResizeUnsigned(dim, _context.Int32, _i64, 32, 64);
        var z = _builder.Select(_builder.Compare(IntPredicate.Equal, d, Const64(2)), ids.Z, Const64(0));
        var y = _builder.Select(_builder.Compare(IntPredicate.Equal, d, Const64(1)), ids.Y, z);
        return _builder.Select(_builder.Compare(IntPredicate.Equal, d, Const64(0)), ids.X, y);
    }

    // A per-dimension field of lava_wg; dimensions ≥ 3 read as the OpenCL default.
    private LlvmValue Field(LlvmValue group, int field, LlvmValue dim, ulong outOfRange)
    {
        if (dim.IsConstantInt)
        {
            var d = dim.ConstantValue;
            return d < 3 ? Word(group, field + (int)d) : Const64(outOfRange);
        }
        var wide = _builder.ResizeUnsigned(dim, _context.Int32, _i64, 32, 64);
        var inRange = _builder.Compare(IntPredicate.UnsignedLess, wide, Const64(3));
        var index = _builder.Add(Const64((ulong)field), _builder.Select(inRange, wide, Const64(0)));
        var value = _builder.Load(_i64, _builder.ElementPointer(_i64, group, index));
        return _builder.Select(inRange, value, Const64(outOfRange));
    }

    private LlvmValue Word(LlvmValue group, int word) =>
        _builder.Load(_i64, _builder.ElementPointer(_i64, group, Const64((ulong)word)));

    private LlvmValue Const64(ulong value) => LlvmContext.Constant(_i64, value);

    private LlvmValue Const32(int value) => LlvmContext.Constant(_context.Int32, unchecked((ulong)(long)value));

    private LlvmValue Declare(string name, LlvmType type)
    {
        var existing = _module.GetFunction(name);
        return existing.Exists ? existing : _module.AddFunction(name, type);
    }

    // args[i] points at the storage of argument i: load the pointer, then the value.
    private LlvmValue[] LoadArguments(LlvmValue args, IReadOnlyList<LlvmType> types)
    {
        var values = new LlvmValue[types.Count];
        for (var i = 0; i < types.Count; i++)
        {
            var slot = _builder.Load(_ptr, _builder.ElementPointer(_ptr, args, Const64((ulong)i)));
            values[i] = _builder.Load(types[i], slot);
        }
        return values;
    }

    private void EmitLoopNest(LlvmValue wrapper, LlvmValue body, LlvmType bodyType, IReadOnlyList<LlvmType> types)
    {
        var entry = _module.AppendBlock(wrapper, "entry");
        _builder.AtEnd(entry);
        var group = wrapper.Parameters[1];
        var values = LoadArguments(wrapper.Parameters[0], types);
        var sizes = new[] { Word(group, LocalSizeField), Word(group, LocalSizeField + 1), Word(group, LocalSizeField + 2) };
        var exit = _module.AppendBlock(wrapper, "exit");
        EmitWorkItemLoops(wrapper, entry, exit, sizes, (x, y, z) => _builder.Call(bodyType, body, [.. values, x, y, z, group]));
        _builder.AtEnd(exit);
        _builder.ReturnVoid();
    }

    // Region kernels: the work-item loop nest runs once per region, each time resuming the body
    // at the barrier where the previous region stopped. Inlining the body with a constant resume
    // point leaves just that region's code in the loop, so each region vectorises on its own.
    private void EmitRegionLoops(LlvmValue wrapper, KernelPlan plan)
    {
        var entry = _module.AppendBlock(wrapper, "entry");
        var dispatch = _module.AppendBlock(wrapper, "dispatch");
        var exit = _module.AppendBlock(wrapper, "exit");
        _builder.AtEnd(entry);
        var group = wrapper.Parameters[1];
        var values = LoadArguments(wrapper.Parameters[0], plan.ParameterTypes);
        var sizes = new[] { Word(group, LocalSizeField), Word(group, LocalSizeField + 1), Word(group, LocalSizeField + 2) };
        var items = _builder.Mul(_builder.Mul(sizes[0], sizes[1]), sizes[2]);
        var contextType = LlvmContext.Function(_ptr, _i64);
        var allocate = Declare("__lava_context", contextType);
        // Like malloc: the context never aliases the kernel's buffers, so LLVM may keep context
        // values in registers across buffer accesses.
        allocate.AddReturnAttribute(_context, "noalias");
        var context = _builder.Call(contextType, allocate, _builder.Add(_builder.Mul(items, Const64((ulong)plan.ContextBytesPerItem)), Const64((ulong)(2 * plan.UniformBytes))));
        _builder.Branch(dispatch);

        _builder.AtEnd(dispatch);
        var point = _builder.Phi(_context.Int32, "resume");
        var incoming = new List<(LlvmValue, LlvmBlock)> { (Const32(0), entry) };
        var regions = plan.ResumePoints + 1;
        var @switch = _builder.Switch(point, exit, regions);
        for (var region = 0; region < regions; region++)
        {
            var start = _module.AppendBlock(wrapper, $"region{region}");
            var done = _module.AppendBlock(wrapper, $"region{region}.done");
            LlvmBuilder.AddCase(@switch, Const32(region), start);
            LlvmValue next = default;
            var resume = Const32(region);
            EmitWorkItemLoops(wrapper, start, done, sizes, (x, y, z) => next = _builder.Call(plan.BodyType, plan.Body, [.. values, x, y, z, group, context, resume]));
            // Work-items reach the same barrier (OpenCL requires it): the last one's answer stands for all.
            _builder.AtEnd(done);
            if (plan.UniformBytes > 0)
            {
                // The uniform values this region wrote are the next region's entry values.
                var written = _builder.ElementPointer(_context.Int8, context, Const64((ulong)plan.UniformBytes));
                _builder.MemCopy(context, written, Const64((ulong)plan.UniformBytes), 64);
            }
            _builder.Branch(dispatch);
            incoming.Add((next, done));
        }
        LlvmBuilder.AddIncoming(point, [.. incoming]);
        _builder.AtEnd(exit);
        _builder.ReturnVoid();
    }

    // Do-while loops over z, y, x from `from` (which gets the branch) to `to`; every local size is at least 1.
    private void EmitWorkItemLoops(LlvmValue function, LlvmBlock from, LlvmBlock to, LlvmValue[] sizes, Action<LlvmValue, LlvmValue, LlvmValue> item)
    {
        var zLoop = _module.AppendBlock(function, "z");
        var yLoop = _module.AppendBlock(function, "y");
        var xLoop = _module.AppendBlock(function, "x");
        var yLatch = _module.AppendBlock(function, "y.next");
        var zLatch = _module.AppendBlock(function, "z.next");
        _builder.AtEnd(from);
        _builder.Branch(zLoop);

        _builder.AtEnd(zLoop);
        var z = _builder.Phi(_i64, "lz");
        _builder.Branch(yLoop);

        _builder.AtEnd(yLoop);
        var y = _builder.Phi(_i64, "ly");
        _builder.Branch(xLoop);

        _builder.AtEnd(xLoop);
        var x = _builder.Phi(_i64, "lx");
        item(x, y, z);
        var xNext = _builder.AddNoWrap(x, Const64(1));
        _builder.Branch(_builder.Compare(IntPredicate.UnsignedLess, xNext, sizes[0]), xLoop, yLatch);

        _builder.AtEnd(yLatch);
        var yNext = _builder.AddNoWrap(y, Const64(1));
        _builder.Branch(_builder.Compare(IntPredicate.UnsignedLess, yNext, sizes[1]), yLoop, zLatch);

        _builder.AtEnd(zLatch);
        var zNext = _builder.AddNoWrap(z, Const64(1));
        _builder.Branch(_builder.Compare(IntPredicate.UnsignedLess, zNext, sizes[2]), zLoop, to);

        LlvmBuilder.AddIncoming(z, (Const64(0), from), (zNext, zLatch));
        LlvmBuilder.AddIncoming(y, (Const64(0), zLoop), (yNext, yLatch));
        LlvmBuilder.AddIncoming(x, (Const64(0), yLoop), (xNext, xLoop));
    }

    private void EmitFiberLaunch(string name, LlvmValue wrapper, LlvmValue body, LlvmType bodyType, IReadOnlyList<LlvmType> types)
    {
        // __lava_wi_K(args, wg, lx, ly, lz): one work-item, the entry of its fiber.
        var itemType = LlvmContext.Function(_context.Void, _ptr, _ptr, _i64, _i64, _i64);
        var item = _module.AddFunction("__lava_wi_" + name, itemType);
        item.Linkage = LlvmLinkage.Internal;
        MarkPrivate(item);
        var p = item.Parameters;
        _builder.AtEnd(_module.AppendBlock(item, "entry"));
        var values = LoadArguments(p[0], types);
        _builder.Call(bodyType, body, [.. values, p[2], p[3], p[4], p[1]]);
        _builder.ReturnVoid();

        var runType = LlvmContext.Function(_context.Void, _ptr, _ptr, _ptr);
        _builder.AtEnd(_module.AppendBlock(wrapper, "entry"));
        _builder.Call(runType, Declare("__lava_run_fibers", runType), wrapper.Parameters[0], wrapper.Parameters[1], item);
        _builder.ReturnVoid();
    }
}
