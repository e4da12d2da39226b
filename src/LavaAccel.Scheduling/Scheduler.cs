using System.Globalization;

namespace LavaAccel.Scheduling;

/// <summary>
/// Places a job: filter (target runnable on the device, required features, memory, user
/// constraints), then score by expected completion time = queue wait + data transfer + compile if
/// the node lacks the variant + estimated run time; the smallest wins. Every decision keeps its
/// explanation.
/// </summary>
public sealed class Scheduler(IRunTimeModel model)
{
    /// <summary>Estimated cost of compiling a variant the node does not have.</summary>
    public const double CompileSeconds = 0.25;

    /// <summary>The run-time model in use.</summary>
    public IRunTimeModel Model { get; } = model;

    /// <summary>Scores every candidate and picks the best; throws naming each rejection when none can run the job.</summary>
    public PlacementDecision Place(KernelWork work, IReadOnlyList<ComputeNode> nodes, PlacementConstraints constraints)
    {
        if (constraints.Target is { } wanted && constraints.RequireKind is { } kind && constraints.TargetDeviceKind is { } targetKind && targetKind != kind)
        {
            throw new LavaException($"contradictory constraints: --require {kind}, but --target {wanted} runs on a {targetKind}");
        }
        var candidates = new List<CandidateScore>();
        foreach (var node in nodes)
        {
            foreach (var slot in node.Devices)
            {
                foreach (var target in slot.Targets)
                {
                    candidates.Add(Score(work, node, slot, target, constraints));
                }
                if (slot.Targets.Count == 0)
                {
                    candidates.Add(new CandidateScore(node.Name, slot.Profile.Id, "—", "no target of this build runs on it", 0, 0, 0, 0, ""));
                }
            }
        }
        var ordered = candidates.Where(c => c.Eligible).OrderBy(c => c.TotalSeconds)
            .Concat(candidates.Where(c => !c.Eligible)).ToArray();
        if (ordered.Length == 0 || !ordered[0].Eligible)
        {
            var reasons = candidates.GroupBy(c => $"{c.Node}/{c.Device}").Select(g => $"{g.Key}: {string.Join("; ", g.Select(c => c.Rejection).Distinct())}");
            throw new LavaException($"no device can run this job — {string.Join(" | ", reasons)}");
        }
        return new PlacementDecision(ordered[0], ordered);
    }

    private CandidateScore Score(KernelWork work, ComputeNode node, DeviceSlot slot, string target, PlacementConstraints constraints)
    {
        var device = slot.Profile;
        string? rejection = null;
        if (constraints.Target is { } wanted && wanted != target)
        {
            rejection = $"not the requested target {wanted}";
        }
        else if (constraints.Offered is { } offered && !offered.Contains(target))
        {
            rejection = "not offered by this node";
        }
        else if (constraints.RequireKind is { } kind && device.Kind != kind)
        {
            rejection = $"a {device.Kind}, not a {kind}";
        }
        else if (work.NeedsFp64 && device.PeakGflops.Fp64 <= 0)
        {
            rejection = "the kernel needs fp64, which this device lacks";
        }
        else if (device.Memory.SizeGib > 0 && work.BufferBytes > device.Memory.SizeGib * (1L << 30))
        {
            rejection = string.Create(CultureInfo.InvariantCulture, $"the job's buffers ({work.BufferBytes / 1e9:0.##} GB) exceed its memory ({device.Memory.SizeGib:0.##} GiB)");
        }
        if (rejection is not null)
        {
            return new CandidateScore(node.Name, device.Id, target, rejection, 0, 0, 0, 0, "");
        }
        var transfer = double.IsPositiveInfinity(node.LinkGbs) ? 0 : work.BufferBytes / (node.LinkGbs * 1e9);
        var compile = slot.Cached.Contains((work.KernelKey, target)) ? 0 : CompileSeconds;
        var (run, basis) = Model.Estimate(work, device, target);
        var startup = slot.StartupSeconds > 0 ? string.Create(CultureInfo.InvariantCulture, $", +{slot.StartupSeconds * 1000:0} ms runtime start") : "";
        return new CandidateScore(node.Name, device.Id, target, null, slot.QueueSeconds, transfer, compile, run * slot.Slowdown + slot.StartupSeconds,
            (slot.Slowdown > 1 ? $"{basis}, ×{slot.Slowdown:0} emulated" : basis) + startup);
    }
}
