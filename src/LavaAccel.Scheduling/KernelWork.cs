namespace LavaAccel.Scheduling;

/// <summary>What a job asks of a device: a kernel's work per work-item, its size, its data and its needs.</summary>
/// <param name="KernelKey">Identifies the kernel across runs: package IR digest + kernel name.</param>
/// <param name="FlopsPerItem">Floating-point operations per work-item (static estimate from the IR).</param>
/// <param name="BytesPerItem">Bytes loaded and stored per work-item (static estimate from the IR).</param>
/// <param name="WorkItems">Total work-items.</param>
/// <param name="BufferBytes">Bytes of the job's buffers (memory needed, data to move).</param>
/// <param name="Features">Required features from the manifest (fp64, atomics, local-memory, barriers).</param>
public sealed record KernelWork(string KernelKey, double FlopsPerItem, double BytesPerItem, long WorkItems, long BufferBytes, IReadOnlyList<string> Features)
{
    /// <summary>Whether the kernel computes in double precision.</summary>
    public bool NeedsFp64 => Features.Contains("fp64");
}
