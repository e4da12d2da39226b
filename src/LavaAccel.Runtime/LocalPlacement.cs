using LavaAccel.Backends;
using LavaAccel.Backends.Cpu;
using LavaAccel.Backends.Ilgpu;
using LavaAccel.Backends.OpenCl;
using LavaAccel.Cache;
using LavaAccel.Devices;
using LavaAccel.Devices.Discovery;
using LavaAccel.Scheduling;

namespace LavaAccel.Runtime;

/// <summary>
/// The scheduler on the single-machine default: this machine is the only node; its CPU runs the
/// x86-64 tiers natively and the AArch64 targets under qemu (≈ 30× slower, so only when asked).
/// </summary>
public static class LocalPlacement
{
    /// <summary>Emulation slowdown assumed for AArch64 variants under qemu-user on x86-64.</summary>
    public const double QemuSlowdown = 30;

    /// <summary>The device id under which this machine's CPU appears in profiles and history.</summary>
    public const string LocalCpu = "local-cpu";

    /// <summary>What the job asks of a device.</summary>
    public static KernelWork Work(Package package, KernelSignature kernel, NdRange range, IReadOnlyList<BoundArgument> arguments)
    {
        var (flops, bytes) = WorkEstimator.PerWorkItem(package, kernel.Name);
        var bufferBytes = arguments.Where(a => a.Parameter.Kind == KernelArgumentKind.Buffer).Sum(a => a.Bytes.LongLength);
        return new KernelWork(KernelKey(package, kernel), flops, bytes, range.TotalWorkItems, bufferBytes, package.Manifest.Features);
    }

    /// <summary>Identifies a kernel across runs and packages with the same IR.</summary>
    public static string KernelKey(Package package, KernelSignature kernel) => $"{package.Manifest.IrDigest}:{kernel.Name}";

    /// <summary>This machine as a node; <paramref name="allDevices"/> also lists OpenCL and CUDA devices (for explanations).</summary>
    public static IReadOnlyList<ComputeNode> Nodes(Package package, KernelSignature kernel, VariantCache cache, bool allDevices)
    {
        var cpu = CpuDiscovery.Discover(BandwidthProbe.GigabytesPerSecond(LavaHome.Path));
        if (package.IsIlgpu)
        {
            // C# kernels: ILGPU's CPU accelerator here; its PTX targets where a GPU runs them.
            var gpu = new IlgpuBackend().Targets.Where(t => IlgpuBackend.SmOf(t) is not null && BackendRegistry.For(t).WhyNotRunnable(t) is null).ToList();
            var ilgpuSlots = new List<DeviceSlot> { Slot(cpu, [IlgpuBackend.Cpu], 1, package, kernel, cache) };
            if (allDevices || gpu.Count > 0)
            {
                ilgpuSlots.AddRange(CudaDiscovery.Discover().Select(d => Slot(d, gpu, 1, package, kernel, cache)));
            }
            return [new ComputeNode("local", ilgpuSlots)];
        }
        var arch = cpu.Isa.Arch ?? "x86_64";
        var native = CpuTargets.All.Where(t => t.Arch == arch && CpuTargets.WhyNotRunnable(t) is null).Select(t => t.Id).ToList();
        // Best tier first, then native (same ISA, host tuning), then the lower tiers.
        var tiers = native.Where(t => t.Model != "native").Reverse().ToList();
        tiers.InsertRange(Math.Min(1, tiers.Count), native.Where(t => t.Model == "native"));
        var slots = new List<DeviceSlot> { Slot(cpu, tiers, 1, package, kernel, cache) };
        var emulated = CpuTargets.All.Where(t => t.Arch != arch && CpuTargets.WhyNotRunnable(t) is null).Select(t => t.Id).ToList();
        if (emulated.Count > 0)
        {
            slots.Add(Slot(cpu, emulated, QemuSlowdown, package, kernel, cache));
        }
        if (allDevices)
        {
            // An OpenCL device that ingests SPIR runs opencl/spir variants; CUDA devices get targets with the NVPTX backend.
            slots.AddRange(OpenClDiscovery.Discover().Select(d => Slot(d, d.Ingests.Contains("spir") ? [OpenClSpirBackend.Spir] : [], 1, package, kernel, cache)));
            slots.AddRange(CudaDiscovery.Discover().Select(d => new DeviceSlot(d, [])));
        }
        return [new ComputeNode("local", slots)];
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

    private static DeviceSlot Slot(DeviceProfile cpu, IReadOnlyList<TargetId> targets, double slowdown, Package package, KernelSignature kernel, VariantCache cache)
    {
        var slot = new DeviceSlot(cpu, targets.Select(t => t.ToString()).ToArray(), slowdown);
        var key = KernelKey(package, kernel);
        foreach (var target in targets)
        {
            if (cache.Actions.Get(VariantKey.Compute(package, target))?.Blob is not null)
            {
                slot.Cached.Add((key, target.ToString()));
            }
        }
        return slot;
    }
}
