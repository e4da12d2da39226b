namespace LavaAccel.Execution.Runners;

/// <summary>The runner of every backend family, as <c>BackendRegistry</c> holds their backends.</summary>
public static class RunnerRegistry
{
    /// <summary>Every runner.</summary>
    public static IReadOnlyList<ITargetRunner> All { get; } =
    [
        NativeWorkerRunner.Cpu,
        NativeWorkerRunner.OpenCl,
        NativeWorkerRunner.Cuda,
        new IlgpuWorkerRunner(),
    ];

    /// <summary>The runner for <paramref name="target"/>.</summary>
    public static ITargetRunner For(TargetId target) =>
        All.FirstOrDefault(r => r.Runs(target)) ?? throw new LavaException($"no runner runs {target} (lava targets lists what runs here)");
}
