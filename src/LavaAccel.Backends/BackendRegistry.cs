using LavaAccel.Backends.Cpu;
using LavaAccel.Backends.Ilgpu;
using LavaAccel.Backends.Nvptx;
using LavaAccel.Backends.OpenCl;
using LavaAccel.Devices;

namespace LavaAccel.Backends;

/// <summary>All backends of this build.</summary>
public static class BackendRegistry
{
    /// <summary>The backends, in the order <c>lava targets</c> lists them.</summary>
    public static IReadOnlyList<IBackend> All { get; } = [new CpuBackend(), new NvptxBackend(), new OpenClSpirBackend(), new OpenClSpirvBackend(), new IlgpuBackend()];

    /// <summary>Every target of every backend.</summary>
    public static IEnumerable<TargetId> AllTargets => All.SelectMany(b => b.Targets);

    /// <summary>Every target whose backend compiles the package's kind of code.</summary>
    public static IEnumerable<TargetId> TargetsFor(Package package) => All.Where(b => b.Accepts(package)).SelectMany(b => b.Targets);

    /// <summary>The targets every backend runs on <paramref name="device"/>, a device of this machine (in the order <c>lava targets</c> lists them).</summary>
    public static IReadOnlyList<TargetId> TargetsOn(DeviceProfile device) => [.. All.SelectMany(b => b.TargetsOn(device))];

    /// <summary>The backend that compiles a target; throws for unknown targets.</summary>
    public static IBackend For(TargetId target) =>
        All.FirstOrDefault(b => b.Targets.Contains(target))
        ?? throw new LavaException($"unknown target '{target}' (`lava targets` lists them)");
}
