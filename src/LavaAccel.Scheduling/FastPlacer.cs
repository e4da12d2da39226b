using LavaAccel.Devices;

namespace LavaAccel.Scheduling;

/// <summary>
/// The scheduler's hot path for large clusters: the same filter and score as <see cref="Scheduler"/>
/// (queue + transfer + compile if the node lacks the variant + run estimate; fp64, memory, kind and
/// target rules) without building an explanation, and without allocating per decision.
/// </summary>
/// <remarks>
/// The cluster is flattened once into arrays over slots. Devices repeat across nodes (a thousand
/// nodes hold a dozen kinds of device), so the run estimate is asked of the model once per distinct
/// (profile, target list) per decision, not once per slot; the transfer once per node. The cache is
/// asked only for a slot whose score without compile could still beat the best so far, and it is
/// asked of an index mirror of the slots' <see cref="DeviceSlot.Cached"/> sets (one string hash per
/// decision, then array reads). A slot is scored on its first target (the best one) — or on a
/// cached later target, scored with the first target's run estimate: exact for the roofline, which
/// does not depend on the target. Queues and the cache mirror live in this object (written through
/// to the slots on <see cref="Commit"/>); call <see cref="SyncQueues"/> or <see cref="SyncCaches"/>
/// after changing a slot elsewhere. Not thread-safe.
/// </remarks>
public sealed class FastPlacer
{
    private readonly IReadOnlyList<ComputeNode> _nodes;
    private readonly DeviceSlot[] _slots;
    private readonly int[] _slotNode;
    private readonly int[] _slotGroup;
    private readonly int[] _nodeFirstSlot;
    private readonly double[] _queue;
    private readonly double[] _linkBytesPerSecond;
    private readonly double[] _slowdown;
    private readonly Group[] _groups;
    // A mirror of the slots' Cached sets, by kernel key: per slot, whether the node compiled the
    // device's first target or only a later one. Asking the slots' hash sets costs tens of
    // nanoseconds a candidate, and once queues level out nearly every candidate passes the bound
    // check, so the sets themselves cannot be on the hot path.
    private readonly Dictionary<string, byte[]> _cacheState = new(StringComparer.Ordinal);
    private const byte FirstTargetCached = 1;
    private const byte LaterTargetCached = 2;
    // Per-decision scratch, reused so that a decision allocates nothing.
    private readonly double[] _groupRun;
    private readonly string?[] _groupTarget;

    /// <summary>Flattens <paramref name="nodes"/>; the placer then owns their queues and caches.</summary>
    public FastPlacer(IReadOnlyList<ComputeNode> nodes, IRunTimeModel model)
    {
        _nodes = nodes;
        Model = model;
        var slots = new List<DeviceSlot>();
        var slotNode = new List<int>();
        var slotGroup = new List<int>();
        var groups = new List<Group>();
        var groupIndex = new Dictionary<(DeviceProfile, string), int>();
        _nodeFirstSlot = new int[nodes.Count + 1];
        for (var n = 0; n < nodes.Count; n++)
        {
            _nodeFirstSlot[n] = slots.Count;
            foreach (var slot in nodes[n].Devices)
            {
                var key = (slot.Profile, string.Join('\n', slot.Targets));
                if (!groupIndex.TryGetValue(key, out var g))
                {
                    groupIndex[key] = g = groups.Count;
                    groups.Add(new Group(slot.Profile, slot.Targets));
                }
                slots.Add(slot);
                slotNode.Add(n);
                slotGroup.Add(g);
            }
        }
        _nodeFirstSlot[nodes.Count] = slots.Count;
        _slots = [.. slots];
        _slotNode = [.. slotNode];
        _slotGroup = [.. slotGroup];
        _groups = [.. groups];
        _queue = new double[_slots.Length];
        _slowdown = new double[_slots.Length];
        for (var s = 0; s < _slots.Length; s++)
        {
            _slowdown[s] = _slots[s].Slowdown;
        }
        // Same expression as the scheduler's transfer term, so that both give bit-identical totals.
        _linkBytesPerSecond = [.. nodes.Select(n => n.LinkGbs * 1e9)];
        _groupRun = new double[_groups.Length];
        _groupTarget = new string?[_groups.Length];
        SyncQueues();
        SyncCaches();
    }

    /// <summary>The run-time model in use.</summary>
    public IRunTimeModel Model { get; }

    /// <summary>Number of device slots over all nodes.</summary>
    public int SlotCount => _slots.Length;

    /// <summary>Number of distinct (profile, target list) groups the run estimate is computed for.</summary>
    public int DistinctDevices => _groups.Length;

    /// <summary>Re-reads every slot's <see cref="DeviceSlot.QueueSeconds"/> (after it was changed outside this placer).</summary>
    public void SyncQueues()
    {
        for (var s = 0; s < _slots.Length; s++)
        {
            _queue[s] = _slots[s].QueueSeconds;
        }
    }

    /// <summary>Re-reads every slot's <see cref="DeviceSlot.Cached"/> (after variants were added outside this placer).</summary>
    public void SyncCaches()
    {
        _cacheState.Clear();
        for (var s = 0; s < _slots.Length; s++)
        {
            var targets = _groups[_slotGroup[s]].Targets;
            foreach (var (kernel, target) in _slots[s].Cached)
            {
                var index = Array.IndexOf(targets, target);
                if (index >= 0)
                {
                    MarkCached(kernel, s, index);
                }
            }
        }
    }

    /// <summary>Sets the queue of device <paramref name="device"/> of node <paramref name="node"/>.</summary>
    public void SetQueueSeconds(int node, int device, double seconds)
    {
        var s = _nodeFirstSlot[node] + device;
        _queue[s] = seconds;
        _slots[s].QueueSeconds = seconds;
    }

    /// <summary>
    /// Picks the slot with the smallest expected completion time; false when no slot can run the
    /// job (<see cref="Place"/> explains why). Ties go to the first slot in node order, as in
    /// <see cref="Scheduler"/>. Throws on contradictory constraints.
    /// </summary>
    public bool TryPlace(KernelWork work, PlacementConstraints constraints, out Placement placement)
    {
        CheckConstraints(constraints);
        var wanted = constraints.Target;
        var kind = constraints.RequireKind;
        var fp64 = work.NeedsFp64;
        for (var g = 0; g < _groups.Length; g++)
        {
            var group = _groups[g];
            var target = wanted is null ? group.FirstTarget : group.Has(wanted) ? wanted : null;
            if (target is null
                || (kind is not null && group.Profile.Kind != kind)
                || (fp64 && !group.Fp64)
                || work.BufferBytes > group.MemoryLimitBytes)
            {
                _groupTarget[g] = null;
                continue;
            }
            _groupTarget[g] = target;
            _groupRun[g] = Model.Estimate(work, group.Profile, target).Seconds;
        }

        var best = double.PositiveInfinity;
        var bestSlot = -1;
        string? bestTarget = null;
        var bestCompile = 0.0;
        var key = work.KernelKey;
        double buffer = work.BufferBytes;
        var queue = _queue;
        var slotGroup = _slotGroup;
        var groupTarget = _groupTarget;
        var groupRun = _groupRun;
        var slowdown = _slowdown;
        // Without a target constraint the mirror answers "compiled here?" by index; with one (rare), the slots' own sets do.
        var state = wanted is null && _cacheState.TryGetValue(key, out var known) ? known : null;
        var nodeFirst = _nodeFirstSlot;
        for (var n = 0; n < _nodes.Count; n++)
        {
            var rate = _linkBytesPerSecond[n];
            var transfer = double.IsPositiveInfinity(rate) ? 0 : buffer / rate;
            for (var s = nodeFirst[n]; s < nodeFirst[n + 1]; s++)
            {
                var g = slotGroup[s];
                if (groupTarget[g] is not { } target)
                {
                    continue;
                }
                var waitAndMove = queue[s] + transfer;
                var run = groupRun[g] * slowdown[s];
                // Compile only adds: if the score without it cannot win, the cache need not be asked.
                if (waitAndMove + run >= best)
                {
                    continue;
                }
                var compiled = wanted is null ? state is not null && state[s] != 0 : _slots[s].Cached.Contains((key, target));
                var compile = compiled ? 0 : Scheduler.CompileSeconds;
                // (queue + transfer) + compile + run: the scheduler's order of additions, for identical totals.
                var total = waitAndMove + compile + run;
                if (total < best)
                {
                    (best, bestSlot, bestTarget, bestCompile) = (total, s, target, compile);
                }
            }
        }
        if (bestSlot < 0)
        {
            placement = default;
            return false;
        }
        if (state is not null && state[bestSlot] == LaterTargetCached)
        {
            // The node compiled a later target of the device, not the first: name it (the scheduler's first cached one).
            var targets = _groups[slotGroup[bestSlot]].Targets;
            for (var t = 1; t < targets.Length; t++)
            {
                if (_slots[bestSlot].Cached.Contains((key, targets[t])))
                {
                    bestTarget = targets[t];
                    break;
                }
            }
        }
        var node = _slotNode[bestSlot];
        var rateBest = _linkBytesPerSecond[node];
        placement = new Placement(node, bestSlot - _nodeFirstSlot[node], bestTarget!, best,
            queue[bestSlot], double.IsPositiveInfinity(rateBest) ? 0 : buffer / rateBest, bestCompile, groupRun[slotGroup[bestSlot]] * slowdown[bestSlot]);
        return true;
    }

    /// <summary>Like <see cref="TryPlace"/>, but throws the scheduler's explanation (a reason per device) when no slot can run the job.</summary>
    public Placement Place(KernelWork work, PlacementConstraints constraints)
    {
        if (TryPlace(work, constraints, out var placement))
        {
            return placement;
        }
        // The slow path only on failure: the full scheduler names every rejection.
        new Scheduler(Model).Place(work, _nodes, constraints);
        throw new LavaException("no device can run this job");
    }

    /// <summary>
    /// Commits a placement: the slot's queue becomes the placement's expected completion, and the
    /// variant is marked compiled on the node (on each of its slots that runs the target, since a
    /// compiled variant belongs to the node, not to one device).
    /// </summary>
    public void Commit(in Placement placement, KernelWork work)
    {
        var first = _nodeFirstSlot[placement.NodeIndex];
        var s = first + placement.DeviceIndex;
        _queue[s] = placement.CompletionSeconds;
        _slots[s].QueueSeconds = placement.CompletionSeconds;
        if (placement.CompileSeconds <= 0)
        {
            return;
        }
        for (var other = first; other < _nodeFirstSlot[placement.NodeIndex + 1]; other++)
        {
            var index = Array.IndexOf(_groups[_slotGroup[other]].Targets, placement.Target);
            if (other == s || index >= 0)
            {
                _slots[other].Cached.Add((work.KernelKey, placement.Target));
            }
            if (index >= 0)
            {
                MarkCached(work.KernelKey, other, index);
            }
        }
    }

    private void MarkCached(string kernelKey, int slot, int targetIndex)
    {
        if (!_cacheState.TryGetValue(kernelKey, out var state))
        {
            _cacheState[kernelKey] = state = new byte[_slots.Length];
        }
        // The first target wins over a later one: it is the one the scheduler would score without compile first.
        if (targetIndex == 0)
        {
            state[slot] = FirstTargetCached;
        }
        else if (state[slot] == 0)
        {
            state[slot] = LaterTargetCached;
        }
    }

    private static void CheckConstraints(PlacementConstraints constraints)
    {
        if (constraints.Target is { } wanted && constraints.RequireKind is { } kind && constraints.TargetDeviceKind is { } targetKind && targetKind != kind)
        {
            throw new LavaException($"contradictory constraints: --require {kind}, but --target {wanted} runs on a {targetKind}");
        }
    }

    /// <summary>A placement: which device of which node, on which target, and its expected completion in parts.</summary>
    /// <param name="NodeIndex">Index of the node in the placer's node list.</param>
    /// <param name="DeviceIndex">Index of the device in the node's device list.</param>
    /// <param name="Target">Target the variant is compiled for.</param>
    /// <param name="CompletionSeconds">Expected completion: queue + transfer + compile + run.</param>
    /// <param name="QueueSeconds">Wait for work already queued.</param>
    /// <param name="TransferSeconds">Moving the job's buffers to the node.</param>
    /// <param name="CompileSeconds">Compiling the variant; 0 when the node has it.</param>
    /// <param name="RunSeconds">Estimated kernel time.</param>
    public readonly record struct Placement(int NodeIndex, int DeviceIndex, string Target, double CompletionSeconds,
        double QueueSeconds, double TransferSeconds, double CompileSeconds, double RunSeconds);

    // What the eligibility rules and the run estimate depend on, shared by every slot of one kind of device.
    private sealed class Group
    {
        public Group(DeviceProfile profile, IReadOnlyList<string> targets)
        {
            Profile = profile;
            Targets = [.. targets];
            FirstTarget = Targets.Length > 0 ? Targets[0] : null;
            Fp64 = profile.PeakGflops.Fp64 > 0;
            MemoryLimitBytes = profile.Memory.SizeGib > 0 ? profile.Memory.SizeGib * (1L << 30) : double.PositiveInfinity;
        }

        public DeviceProfile Profile { get; }

        public string[] Targets { get; }

        public string? FirstTarget { get; }

        public bool Fp64 { get; }

        public double MemoryLimitBytes { get; }

        public bool Has(string target) => Array.IndexOf(Targets, target) >= 0;
    }
}
