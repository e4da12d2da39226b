using LavaAccel.Llvm;

namespace LavaAccel.Backends.Analysis;

/// <summary>
/// The natural loops of a kernel (back edges to a dominating header) and how often each runs for
/// one launch: an induction variable (a header phi stepped by a constant: add, sub, shift, divide)
/// compared with a bound the launch knows (constants, scalar arguments, ND-range sizes, and
/// arithmetic over them) gives the trip count; a loop it cannot read counts
/// <see cref="WorkEstimator.LoopWeight"/> times.
/// </summary>
internal sealed class LoopNest
{
    private const int Add = 8, Sub = 10, Mul = 12, UDiv = 14, SDiv = 15, Shl = 20, LShr = 21, AShr = 22, And = 23, Or = 24;
    private const int Trunc = 30, ZExt = 31, SExt = 32, ICmp = 42, Call = 45, Select = 46;

    private readonly LaunchValues? _values;
    private readonly List<LlvmValue> _parameters;
    private readonly List<(LlvmBlock Header, HashSet<LlvmBlock> Body)> _loops = [];

    public LoopNest(LlvmValue function, LaunchValues? values)
    {
        _values = values;
        _parameters = [.. function.Parameters];
        var blocks = function.Blocks;
        var predecessors = blocks.ToDictionary(b => b, _ => new List<LlvmBlock>());
        foreach (var block in blocks)
        {
            foreach (var next in block.Successors)
            {
                predecessors[next].Add(block);
            }
        }
        var dominators = Dominators(blocks, predecessors);
        foreach (var header in blocks)
        {
            var latches = predecessors[header].Where(p => dominators[p].Contains(header)).ToArray();
            if (latches.Length > 0)
            {
                _loops.Add((header, Body(header, latches, predecessors)));
            }
        }
    }

    /// <summary>True when every loop's trip count was read from the IR and the launch.</summary>
    public bool AllResolved { get; private set; } = true;

    /// <summary>How many times <paramref name="block"/> runs per work-item: the product of its loops' trip counts.</summary>
    public double Weight(LlvmBlock block)
    {
        if (_values is null)
        {
            // No launch: the scheduler's static estimate, every loop body LoopWeight times (unnested).
            var inLoop = _loops.Any(l => l.Body.Contains(block));
            AllResolved &= !inLoop;
            return inLoop ? WorkEstimator.LoopWeight : 1;
        }
        double weight = 1;
        foreach (var (header, body) in _loops)
        {
            if (body.Contains(block))
            {
                weight *= TripCount(header, body);
            }
        }
        return weight;
    }

    private readonly Dictionary<LlvmBlock, double> _trips = [];

    private double TripCount(LlvmBlock header, HashSet<LlvmBlock> body)
    {
        if (_trips.TryGetValue(header, out var known))
        {
            return known;
        }
        double? trips = null;
        foreach (var exiting in body)
        {
            var condition = exiting.BranchCondition;
            if (trips is null && condition.Exists && condition.IsInstruction && condition.Opcode == ICmp
                && exiting.Successors.Any(s => !body.Contains(s)))
            {
                trips = FromComparison(condition, header, body);
            }
        }
        if (trips is null)
        {
            AllResolved = false;
        }
        return _trips[header] = Math.Max(1, trips ?? WorkEstimator.LoopWeight);
    }

    private double? FromComparison(LlvmValue compare, LlvmBlock header, HashSet<LlvmBlock> body)
    {
        var inclusive = compare.ComparePredicate is IntPredicate.SignedLessOrEqual or IntPredicate.UnsignedLessOrEqual
            or IntPredicate.SignedGreaterOrEqual or IntPredicate.UnsignedGreaterOrEqual ? 1 : 0;
        for (var side = 0; side < 2; side++)
        {
            if (Induction(compare.Operand(side), header, body) is { } iv && Evaluate(compare.Operand(1 - side)) is { } bound)
            {
                return iv.Kind switch
                {
                    Add or Sub when iv.Step != 0 => Math.Ceiling(Math.Abs((double)bound - iv.Init) / Math.Abs(iv.Step)) + inclusive,
                    Shl when iv.Step > 0 && iv.Init > 0 && bound > iv.Init => Math.Ceiling(Math.Log2((double)bound / iv.Init) / iv.Step),
                    LShr or AShr when iv.Step > 0 && iv.Init > 0 => Math.Floor(Math.Log2((double)iv.Init / Math.Max(1, bound)) / iv.Step) + 1,
                    UDiv or SDiv when iv.Step > 1 && iv.Init > 0 => Math.Floor(Math.Log((double)iv.Init / Math.Max(1, bound)) / Math.Log(iv.Step)) + 1,
                    _ => null,
                };
            }
        }
        return null;
    }

    // A header phi (or its next value) with an initial value from outside the loop and a constant step.
    private (long Init, long Step, int Kind)? Induction(LlvmValue value, LlvmBlock header, HashSet<LlvmBlock> body)
    {
        var phi = value;
        if (value.IsInstruction && !value.IsPhi && value.OperandCount == 2 && value.Operand(0).IsPhi)
        {
            phi = value.Operand(0);
        }
        if (!phi.IsPhi || phi.Block != header)
        {
            return null;
        }
        long? init = null;
        (long Step, int Kind)? step = null;
        foreach (var (incoming, from) in phi.Incoming)
        {
            if (!body.Contains(from))
            {
                init = Evaluate(incoming);
            }
            else if (incoming.IsInstruction && incoming.OperandCount == 2 && incoming.Operand(0) == phi && incoming.Operand(1).IsConstantInt
                     && incoming.Opcode is Add or Sub or Shl or LShr or AShr or UDiv or SDiv)
            {
                step = (incoming.Opcode == Sub ? -incoming.Operand(1).SignedConstantValue : incoming.Operand(1).SignedConstantValue, incoming.Opcode);
            }
        }
        return init is { } i && step is { } s ? (i, s.Step, s.Kind) : null;
    }

    /// <summary>An integer the launch determines, or null.</summary>
    private long? Evaluate(LlvmValue value, int depth = 0)
    {
        if (depth > 16 || !value.Exists)
        {
            return null;
        }
        if (value.IsConstantInt)
        {
            return value.SignedConstantValue;
        }
        if (_values is null)
        {
            return null;
        }
        if (value.IsArgument)
        {
            var index = _parameters.IndexOf(value);
            return _values.Scalars.TryGetValue(index, out var scalar) ? scalar : null;
        }
        if (!value.IsInstruction)
        {
            return null;
        }
        long? Operand(int i) => Evaluate(value.Operand(i), depth + 1);
        switch (value.Opcode)
        {
            case Trunc or ZExt or SExt:
                return Operand(0);
            case Select:
                return Operand(0) is { } c ? Operand(c != 0 ? 1 : 2) : null;
            case Call:
                return Builtin(value, Operand);
        }
        if (value.OperandCount != 2 || Operand(0) is not { } a || Operand(1) is not { } b)
        {
            return null;
        }
        return value.Opcode switch
        {
            Add => a + b,
            Sub => a - b,
            Mul => a * b,
            UDiv or SDiv when b != 0 => a / b,
            Shl when b is >= 0 and < 63 => a << (int)b,
            LShr or AShr when b is >= 0 and < 63 => a >> (int)b,
            And => a & b,
            Or => a | b,
            _ => null,
        };
    }

    private long? Builtin(LlvmValue call, Func<int, long?> operand)
    {
        var name = call.CalledFunction is { Exists: true } callee ? callee.Name : "";
        if (name.StartsWith("llvm.smin", StringComparison.Ordinal) || name.StartsWith("llvm.umin", StringComparison.Ordinal))
        {
            return operand(0) is { } a && operand(1) is { } b ? Math.Min(a, b) : null;
        }
        if (name.StartsWith("llvm.smax", StringComparison.Ordinal) || name.StartsWith("llvm.umax", StringComparison.Ordinal))
        {
            return operand(0) is { } a && operand(1) is { } b ? Math.Max(a, b) : null;
        }
        if (operand(0) is not { } dimension || dimension is < 0 or > 2)
        {
            return null;
        }
        var d = (int)dimension;
        long Size(long[] sizes) => d < sizes.Length ? sizes[d] : 1;
        return name switch
        {
            "_Z15get_global_sizej" => Size(_values!.Global),
            "_Z14get_local_sizej" => Size(_values!.Local),
            "_Z14get_num_groupsj" => Size(_values!.Global) / Math.Max(1, Size(_values!.Local)),
            _ => null,
        };
    }

    private static Dictionary<LlvmBlock, HashSet<LlvmBlock>> Dominators(IReadOnlyList<LlvmBlock> blocks, Dictionary<LlvmBlock, List<LlvmBlock>> predecessors)
    {
        var all = blocks.ToHashSet();
        var dominators = blocks.ToDictionary(b => b, b => b == blocks[0] ? new HashSet<LlvmBlock> { b } : new HashSet<LlvmBlock>(all));
        for (var changed = true; changed;)
        {
            changed = false;
            foreach (var block in blocks.Skip(1))
            {
                HashSet<LlvmBlock>? meet = null;
                foreach (var p in predecessors[block])
                {
                    if (meet is null)
                    {
                        meet = [.. dominators[p]];
                    }
                    else
                    {
                        meet.IntersectWith(dominators[p]);
                    }
                }
                meet ??= [];
                meet.Add(block);
                if (!meet.SetEquals(dominators[block]))
                {
                    dominators[block] = meet;
                    changed = true;
                }
            }
        }
        return dominators;
    }

    private static HashSet<LlvmBlock> Body(LlvmBlock header, IEnumerable<LlvmBlock> latches, Dictionary<LlvmBlock, List<LlvmBlock>> predecessors)
    {
        var body = new HashSet<LlvmBlock> { header };
        var work = new Stack<LlvmBlock>(latches);
        while (work.Count > 0)
        {
            var block = work.Pop();
            if (body.Add(block))
            {
                foreach (var p in predecessors[block])
                {
                    work.Push(p);
                }
            }
        }
        return body;
    }
}
