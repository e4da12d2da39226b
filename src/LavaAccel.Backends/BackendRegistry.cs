using LavaAccel.Backends.Cpu;
using LavaAccel.Backends.Nvptx;
using LavaAccel.Backends.OpenCl;

namespace LavaAccel.Backends;

/// <summary>All backends of this build.</summary>
public static class BackendRegistry
{
    /// <summary>The backends, in the order <c>lava targets</c> lists them.</summary>
    public static IReadOnlyList<IBackend> All { get; } = [new CpuBackend(), new NvptxBackend(), new OpenClSpirBackend(), new OpenClSpirvBackend()];

    /// <summary>Every target of every backend.</summary>
    public static IEnumerable<TargetId> AllTargets => All.SelectMany(b => b.Targets);

    /// <summary>The backend that compiles a target; throws for unknown targets.</summary>
    public static IBackend For(TargetId target) =>
        All.FirstOrDefault(b => b.Targets.Contains(target))
        ?? throw new LavaException($"unknown target '{target}' (`lava targets` lists them)");
}
