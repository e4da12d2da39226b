using System.Globalization;
using System.Text.Json;
using LavaAccel.Api.V1;
using LavaAccel.Backends;
using LavaAccel.Devices;
using LavaAccel.Execution;
using LavaAccel.Scheduling;

namespace LavaAccel.Service.Placement;

/// <summary>
/// The controller's placement of queued jobs over every live node: each job, oldest first, goes
/// where the scheduler (<see cref="Scheduler"/>: queue + transfer + compile if missing + run
/// estimate from the learned history, roofline fallback) expects it to finish first. Each node is
/// modelled as its workers (lanes): a lane is busy for what its running job has left of its
/// estimate, and each job placed in the pass occupies the lane that frees first — list scheduling
/// by earliest finish, so a fast node with a queue and an idle slow node are weighed against each
/// other instead of the first free node taking whatever comes. Every pass places the whole queue
/// again, so a node that dies, drains or joins changes where waiting jobs go at once.
/// </summary>
public sealed class ClusterPlacer(IRunTimeModel model)
{
    /// <summary>Queued jobs placed per pass (the rest wait, with their reason, for a later pass).</summary>
    public const int MaxPerPass = 512;

    private readonly Dictionary<string, DeviceProfile?> _profiles = new(StringComparer.Ordinal);
    private readonly Dictionary<string, TargetId?> _targets = new(StringComparer.Ordinal);

    /// <summary>Places <paramref name="pending"/> (oldest first) given what runs where now.</summary>
    /// <param name="nodes">Live nodes.</param>
    /// <param name="running">Jobs running on them.</param>
    /// <param name="pending">Queued jobs, oldest first.</param>
    /// <param name="cached">Whether a variant of a package for a target is compiled already.</param>
    /// <param name="nowMs">Now (Unix ms).</param>
    public IReadOnlyList<PlacedJob> Place(IReadOnlyList<ClusterNode> nodes, IReadOnlyList<RunningJob> running, IReadOnlyList<PendingJob> pending, Func<string, TargetId, bool> cached, long nowMs)
    {
        var lanes = nodes.ToDictionary(n => n.Name, n => new double[Math.Clamp(n.Workers, 1, 1024)], StringComparer.Ordinal);
        foreach (var job in running)
        {
            if (lanes.TryGetValue(job.Node, out var lane))
            {
                lane[Earliest(lane)] += Math.Max(0.001, job.EstimateSeconds - (nowMs - job.StartedMs) / 1000.0);
            }
        }
        var ahead = new Dictionary<string, int>(StringComparer.Ordinal);
        var placed = new List<PlacedJob>(Math.Min(pending.Count, MaxPerPass));
        foreach (var job in pending.Take(MaxPerPass))
        {
            var view = View(nodes, job, cached, lanes);
            PlacementDecision decision;
            try
            {
                decision = new Scheduler(new ByDevice(model, view.Profiles)).Place(job.Work, view.Nodes, new PlacementConstraints(job.Require, job.Target,
                    TargetDeviceKind: job.Target is { } t && Target(t) is { } id ? BackendRegistry.For(id).DeviceKind(id) : null));
            }
            catch (LavaException e)
            {
                placed.Add(new PlacedJob(job.Id, "", "", "", "", 0, null, "Unplaceable: " + (Missing(nodes, job) ?? e.Message)));
                continue;
            }
            var chosen = decision.Chosen;
            var lane = lanes[chosen.Node];
            var slot = Earliest(lane);
            var start = lane[slot];
            var waiting = ahead.GetValueOrDefault(chosen.Node);
            var reason = start <= 0.0005 ? ""
                : waiting > 0 ? string.Create(CultureInfo.InvariantCulture, $"Priority: {waiting} earlier job(s) go first on node {chosen.Node} (expected to start in {Seconds(start)})")
                : string.Create(CultureInfo.InvariantCulture, $"Resources: the {lane.Length} worker(s) of node {chosen.Node} are busy (one frees in ≈ {Seconds(start)})");
            var charge = chosen.TransferSeconds + chosen.CompileSeconds + chosen.RunSeconds;
            lane[slot] = start + charge;
            ahead[chosen.Node] = waiting + 1;
            placed.Add(new PlacedJob(job.Id, chosen.Node, chosen.Device, view.Profiles[chosen.Device].Id, chosen.Target, charge, Explain(decision), reason));
        }
        return placed;
    }

    /// <summary>Why no live node can run <paramref name="job"/>, or null when one can (whatever its queue).</summary>
    public string? Unplaceable(IReadOnlyList<ClusterNode> nodes, PendingJob job) =>
        Place(nodes, [], [job], (_, _) => false, 0) is [{ Placed: false } refused] ? refused.Reason["Unplaceable: ".Length..] : null;

    // The plain answer users need: the target or device kind no live node offers; else the scheduler's rejections.
    private string? Missing(IReadOnlyList<ClusterNode> nodes, PendingJob job)
    {
        if (nodes.Count == 0)
        {
            return "no compute node is alive and taking jobs (drained nodes take none)";
        }
        var devices = nodes.SelectMany(n => n.Devices).ToList();
        if (job.Target is { } wanted && !devices.Any(d => d.Targets.Contains(wanted)))
        {
            var offered = devices.SelectMany(d => d.Targets).Where(t => Target(t) is { } id && BackendRegistry.For(id).InputLanguage == job.Language).Distinct().Order(StringComparer.Ordinal);
            return $"no live node offers target {wanted} (offered: {string.Join(", ", offered)})";
        }
        if (job.Require is { } kind && !devices.Any(d => d.Kind == kind))
        {
            return $"no live node has a {kind} device (devices: {string.Join(", ", devices.Select(d => $"{d.Id} ({d.Kind})"))})";
        }
        if (!devices.Any(d => d.Targets.Any(t => Target(t) is { } id && BackendRegistry.For(id).InputLanguage == job.Language)))
        {
            return $"no live node runs {job.Language} kernels";
        }
        return null;
    }

    private sealed record ClusterView(List<ComputeNode> Nodes, Dictionary<string, DeviceProfile> Profiles);

    // The cluster as the scheduler sees it for one job: each device's slots with the targets that
    // compile the job's language, node-scoped device ids (two identical GPUs of a node stay apart),
    // and each slot's queue: when the node's first worker frees.
    private ClusterView View(IReadOnlyList<ClusterNode> nodes, PendingJob job, Func<string, TargetId, bool> cached, Dictionary<string, double[]> lanes)
    {
        var view = new ClusterView([], new Dictionary<string, DeviceProfile>(StringComparer.Ordinal));
        foreach (var node in nodes)
        {
            var slots = new List<DeviceSlot>();
            var queue = lanes[node.Name].Min();
            foreach (var device in node.Devices)
            {
                if (Profile(device.ProfileJson) is not { } profile)
                {
                    continue;
                }
                view.Profiles[device.Id] = profile;
                var targets = device.Targets.Select(Target).OfType<TargetId>().Where(t => BackendRegistry.For(t).InputLanguage == job.Language);
                foreach (var slot in LocalPlacement.Slots(profile with { Id = device.Id }, targets, job.Work.KernelKey, t => cached(job.PackageDigest, t), allDevices: true))
                {
                    slot.QueueSeconds = queue;
                    slots.Add(slot);
                }
            }
            view.Nodes.Add(new ComputeNode(node.Name, slots));
        }
        return view;
    }

    private static global::LavaAccel.Api.V1.Placement Explain(PlacementDecision decision)
    {
        var placement = new global::LavaAccel.Api.V1.Placement
        {
            Chosen = Candidate(decision.Chosen),
            Candidates = decision.Candidates.Count,
            Rejected = decision.Candidates.Count(c => !c.Eligible),
        };
        placement.RunnersUp.AddRange(decision.Candidates.Skip(1).Where(c => c.Eligible).Take(3).Select(Candidate));
        return placement;
    }

    private static PlacementCandidate Candidate(CandidateScore c) => new()
    {
        Node = c.Node,
        Device = c.Device,
        Target = c.Target,
        QueueSeconds = c.QueueSeconds,
        TransferSeconds = c.TransferSeconds,
        CompileSeconds = c.CompileSeconds,
        RunSeconds = c.RunSeconds,
        TotalSeconds = c.TotalSeconds,
        Basis = c.RunBasis,
    };

    private DeviceProfile? Profile(string json)
    {
        if (!_profiles.TryGetValue(json, out var profile))
        {
            try
            {
                profile = JsonSerializer.Deserialize(json, DeviceJsonContext.Default.DeviceProfile);
            }
            catch (JsonException)
            {
                profile = null; // a node's profile this build cannot read: the device is not used
            }
            _profiles[json] = profile;
        }
        return profile;
    }

    // A target a node offers that this build does not know (a newer node) is not placed on.
    private TargetId? Target(string text)
    {
        if (!_targets.TryGetValue(text, out var id))
        {
            try
            {
                id = TargetId.Parse(text);
                BackendRegistry.For(id);
            }
            catch (LavaException)
            {
                id = null;
            }
            _targets[text] = id;
        }
        return id;
    }

    private static int Earliest(double[] lanes)
    {
        var best = 0;
        for (var i = 1; i < lanes.Length; i++)
        {
            if (lanes[i] < lanes[best])
            {
                best = i;
            }
        }
        return best;
    }

    private static string Seconds(double seconds) => seconds >= 1
        ? string.Create(CultureInfo.InvariantCulture, $"{seconds:0.0} s")
        : string.Create(CultureInfo.InvariantCulture, $"{seconds * 1000:0} ms");

    // The scheduler sees node-scoped device ids; the history and the roofline see the device's own profile.
    private sealed class ByDevice(IRunTimeModel model, Dictionary<string, DeviceProfile> profiles) : IRunTimeModel
    {
        public (double Seconds, string Basis) Estimate(KernelWork work, DeviceProfile device, string target) =>
            model.Estimate(work, profiles.GetValueOrDefault(device.Id) ?? device, target);
    }
}
