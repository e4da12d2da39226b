namespace LavaAccel.Runtime;

/// <summary>What a run produced.</summary>
/// <param name="KernelMs">Kernel time of each repetition, sorted ascending.</param>
/// <param name="Buffers">Final contents of every writable buffer, by argument name.</param>
/// <param name="WallMs">Wall time of the runner process (start, load, run, write back).</param>
/// <param name="KernelOutput">What the kernel printed (OpenCL printf), or empty.</param>
public sealed record RunOutcome(IReadOnlyList<double> KernelMs, IReadOnlyDictionary<string, byte[]> Buffers, double WallMs, string KernelOutput = "")
{
    /// <summary>Median kernel time.</summary>
    public double MedianMs => KernelMs.Count == 0 ? 0 : KernelMs.Count % 2 == 1
        ? KernelMs[KernelMs.Count / 2]
        : (KernelMs[KernelMs.Count / 2 - 1] + KernelMs[KernelMs.Count / 2]) / 2;
}
