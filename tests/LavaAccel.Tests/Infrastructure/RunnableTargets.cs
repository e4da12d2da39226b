using LavaAccel.Backends;

namespace LavaAccel.Tests;

/// <summary>The CPU targets this machine can run (x86-64 tiers natively, AArch64 under qemu-user).</summary>
public static class RunnableTargets
{
    /// <summary>Every runnable CPU target; tests run the suite on each.</summary>
    public static IReadOnlyList<TargetId> Cpu { get; } =
        BackendRegistry.All.Single(b => b.Name == "cpu").Targets.Where(t => BackendRegistry.For(t).WhyNotRunnable(t) is null).ToArray();

    /// <summary>OpenCL targets with a device here (opencl/spir on PoCL); empty without one.</summary>
    public static IReadOnlyList<TargetId> OpenCl { get; } =
        BackendRegistry.AllTargets.Where(t => t.Backend == "opencl" && BackendRegistry.For(t).WhyNotRunnable(t) is null).ToArray();

    /// <summary>NVPTX targets the GPU here runs (none without a GPU: those suite cases are then absent).</summary>
    public static IReadOnlyList<TargetId> Gpu { get; } =
        BackendRegistry.AllTargets.Where(t => t.Backend == "nvptx" && BackendRegistry.For(t).WhyNotRunnable(t) is null).ToArray();

    /// <summary>ILGPU targets that run here: ilgpu/cpu always, its PTX targets where a GPU is present.</summary>
    public static IReadOnlyList<TargetId> Ilgpu { get; } =
        BackendRegistry.AllTargets.Where(t => t.Backend == "ilgpu" && BackendRegistry.For(t).WhyNotRunnable(t) is null).ToArray();
}
