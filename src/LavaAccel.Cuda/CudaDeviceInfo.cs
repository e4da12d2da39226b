namespace LavaAccel.Cuda;

/// <summary>What discovery and scheduling need to know of a CUDA GPU.</summary>
/// <param name="Ordinal">The device's number.</param>
/// <param name="Name">Its name.</param>
/// <param name="ComputeCapability">sm_XX's number (90 for sm_90).</param>
/// <param name="Multiprocessors">SM count.</param>
/// <param name="ClockKhz">Core clock.</param>
/// <param name="MemoryBytes">Device memory.</param>
/// <param name="MemoryClockKhz">Memory clock.</param>
/// <param name="MemoryBusBits">Memory bus width.</param>
public sealed record CudaDeviceInfo(int Ordinal, string Name, int ComputeCapability, int Multiprocessors, int ClockKhz, long MemoryBytes, int MemoryClockKhz, int MemoryBusBits)
{
    /// <summary>Peak memory bandwidth from the memory clock and bus (double data rate), GB/s.</summary>
    public double BandwidthGbs => 2.0 * MemoryClockKhz * 1e3 * (MemoryBusBits / 8.0) / 1e9;
}
