using LavaAccel.Sandbox;

namespace LavaAccel.Execution;

/// <summary>What a run produced.</summary>
/// <param name="KernelMs">Kernel time of each repetition, sorted ascending.</param>
/// <param name="Buffers">Final contents of every writable buffer, by argument name.</param>
/// <param name="WallMs">Wall time of the job in its sandbox (load, run, write back).</param>
/// <param name="KernelOutput">What the kernel printed (OpenCL printf), or empty.</param>
/// <param name="Sandbox">The isolation it ran in.</param>
/// <param name="SandboxStartMs">Time to get a ready sandbox (a pooled one: close to 0).</param>
/// <param name="DispatchMs">From "job ready" to "kernel entered".</param>
/// <param name="Usage">The usage record (also in the node's usage log).</param>
/// <param name="KernelEnteredAt">When the worker entered the kernel, as a <see cref="System.Diagnostics.Stopwatch"/> timestamp.</param>
/// <param name="Worker">The worker's image (<c>native-x86_64</c>, <c>opencl</c>, <c>ilgpu-cpu</c>, …).</param>
/// <param name="Execution">How the kernel executed: <c>native</c>, <c>qemu</c> or <c>device</c>.</param>
public sealed record RunOutcome(
    IReadOnlyList<double> KernelMs,
    IReadOnlyDictionary<string, byte[]> Buffers,
    double WallMs,
    string KernelOutput = "",
    SandboxKind Sandbox = SandboxKind.None,
    double SandboxStartMs = 0,
    double DispatchMs = 0,
    UsageRecord? Usage = null,
    long KernelEnteredAt = 0,
    string Worker = "",
    string Execution = "native")
{
    /// <summary>Median kernel time.</summary>
    public double MedianMs => KernelMs.Count == 0 ? 0 : KernelMs.Count % 2 == 1
        ? KernelMs[KernelMs.Count / 2]
        : (KernelMs[KernelMs.Count / 2 - 1] + KernelMs[KernelMs.Count / 2]) / 2;
}
