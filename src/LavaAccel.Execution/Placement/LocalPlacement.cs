using LavaAccel.Host;
using LavaAccel.Backends;
using LavaAccel.Backends.Analysis;
using LavaAccel.Cache;
using LavaAccel.Devices;
using LavaAccel.Execution.Runners;
using LavaAccel.Scheduling;

namespace LavaAccel.Execution;

/// <summary>
/// The scheduler on the single-machine default: this machine is the only node; its devices run
/// what the backends say they run (the CPU: x86-64 tiers natively, AArch64 under qemu, ≈ 30×
/// slower, so only when asked; an OpenCL device: SPIR; a GPU: PTX).
/// </summary>
public static class LocalPlacement
{
    /// <summary>Emulation slowdown assumed for AArch64 variants under qemu-user on x86-64.</summary>
    public const double QemuSlowdown = 30;

    /// <summary>The device id under which this machine's CPU appears in profiles and history.</summary>
    public const string LocalCpu = "local-cpu";

    /// <summary>
    /// What the job asks of a device; without <paramref name="estimate"/> the IR is not read (its
    /// FLOPs and bytes stay 0: a named target needs no placement, and loading LLVM to count them
    /// costs a one-shot run about 100 ms).
    /// </summary>
    public static KernelWork Work(Package package, KernelSignature kernel, NdRange range, IReadOnlyList<BoundArgument> arguments, bool estimate = true)
    {
        var (flops, bytes) = estimate ? WorkEstimator.PerWorkItem(package, kernel.Name) : (0, 0);
        var bufferBytes = arguments.Where(a => a.Parameter.Kind == KernelArgumentKind.Buffer).Sum(a => a.Bytes.LongLength);
        return new KernelWork(KernelKey(package, kernel), flops, bytes, range.TotalWorkItems, bufferBytes, package.Manifest.Features);
    }

    /// <summary>Identifies a kernel across runs and packages with the same IR.</summary>
    public static string KernelKey(Package package, KernelSignature kernel) => $"{package.Manifest.IrDigest}:{kernel.Name}";

    /// <summary>
    /// This machine as a node: each device with the targets the backends run on it (those taking
    /// the package's language), emulated ones (qemu) in a slot of their own with the slowdown;
    /// <paramref name="allDevices"/> also lists devices that run none of them (for explanations).
    /// </summary>
    public static IReadOnlyList<ComputeNode> Nodes(Package package, KernelSignature kernel, VariantCache cache, bool allDevices)
    {
        var key = KernelKey(package, kernel);
        var slots = LocalDevices.Discover(LavaHome.Path).SelectMany(device => Slots(device, device.Targets.Select(TargetId.Parse).Where(t => BackendRegistry.For(t).Accepts(package)),
            key, target => cache.Actions.Get(VariantKey.Compute(package, target))?.Blob is not null, allDevices)).ToList();
        return [new ComputeNode("local", slots)];
    }

    /// <summary>
    /// A device as the scheduler sees it: the targets it runs (of the job's language) natively in
    /// one slot, emulated ones (qemu) in a slot of their own with the slowdown, each with its
    /// runtime's start cost and the variants already <paramref name="cached"/>;
    /// <paramref name="allDevices"/> also gives a device that runs none of them (for explanations).
    /// </summary>
    public static IEnumerable<DeviceSlot> Slots(DeviceProfile device, IEnumerable<TargetId> targets, string kernelKey, Func<TargetId, bool> cached, bool allDevices)
    {
        var all = targets.ToList();
        var emulated = all.Where(t => RunnerRegistry.For(t).Execution(t) == "qemu").ToList();
        var direct = Preferred(all.Except(emulated).ToList());
        if (direct.Count > 0 || (allDevices && emulated.Count == 0))
        {
            yield return Slot(device, direct, 1, Startup(direct), kernelKey, cached);
        }
        if (emulated.Count > 0)
        {
            yield return Slot(device, emulated, QemuSlowdown, Startup(emulated), kernelKey, cached);
        }
    }

    /// <summary>The best CPU tier this machine runs natively (benchmarks' default target).</summary>
    public static TargetId BestCpuTarget() =>
        Preferred([.. LocalDevices.Discover(LavaHome.Path).Where(d => d.Kind == "cpu").SelectMany(d => d.Targets).Select(TargetId.Parse)
            .Where(t => BackendRegistry.For(t).DeviceKind(t) == "cpu" && RunnerRegistry.For(t).Execution(t) == "native" && BackendRegistry.For(t).InputLanguage == "opencl-c")])
        .FirstOrDefault() ?? throw new LavaException("no CPU target runs natively on this machine");

    // Where estimates tie, the first wins: the best CPU tier first, then native (same ISA, host
    // tuning), then the lower tiers — the registry lists tiers from the lowest.
    private static List<TargetId> Preferred(List<TargetId> targets)
    {
        var ordered = targets.Where(t => t.Model != "native").Reverse().ToList();
        ordered.InsertRange(Math.Min(1, ordered.Count), targets.Where(t => t.Model == "native"));
        return ordered;
    }

    /// <summary>Places a job on this machine.</summary>
    public static PlacementDecision Place(KernelWork work, Package package, KernelSignature kernel, PlacementConstraints constraints, VariantCache cache, IRunTimeModel model, bool allDevices = false) =>
        new Scheduler(model).Place(work, Nodes(package, kernel, cache, allDevices), constraints);

    /// <summary>One line for users: what was chosen and why.</summary>
    public static string Reason(PlacementDecision decision)
    {
        var c = decision.Chosen;
        var eligible = decision.Candidates.Count(x => x.Eligible);
        return $"scheduler: expected {Milliseconds(c.TotalSeconds)} ({c.RunBasis}{(c.CompileSeconds > 0 ? ", compile " + Milliseconds(c.CompileSeconds) : ", variant cached")}), best of {eligible} candidates";
    }

    private static string Milliseconds(double seconds) => seconds >= 1 ? $"{seconds:0.00} s" : $"{seconds * 1000:0.###} ms";

    // The targets of one slot take one language, so one runner family: its start cost.
    private static double Startup(IReadOnlyList<TargetId> targets) => targets.Count == 0 ? 0 : targets.Max(t => RunnerRegistry.For(t).StartupSeconds(t));

    private static DeviceSlot Slot(DeviceProfile device, IReadOnlyList<TargetId> targets, double slowdown, double startup, string kernelKey, Func<TargetId, bool> cached)
    {
        var slot = new DeviceSlot(device, targets.Select(t => t.ToString()).ToArray(), slowdown, startup);
        foreach (var target in targets.Where(cached))
        {
            slot.Cached.Add((kernelKey, target.ToString()));
        }
        return slot;
    }
}
