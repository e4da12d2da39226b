namespace LavaAccel.Bench.Results;

/// <summary>
/// One kernel on one target (or one peer) in one run: the figures, where it ran, and enough to find
/// the same measurement in another run (<see cref="Key"/>). Failed targets keep a record with
/// <see cref="Error"/> set and no figures.
/// </summary>
public sealed record BenchRecord
{
    /// <summary>Kernel name.</summary>
    public required string Kernel { get; init; }

    /// <summary>Package name.</summary>
    public required string Package { get; init; }

    /// <summary>Package digest (sha256).</summary>
    public string PackageDigest { get; init; } = "";

    /// <summary>Target id, or the peer's name for peers (<c>pocl</c>, <c>c</c>).</summary>
    public required string Target { get; init; }

    /// <summary>null for lava's own targets; <c>pocl</c> or <c>c</c> for a peer.</summary>
    public string? Peer { get; init; }

    /// <summary>Content address of the variant that ran (empty for peers).</summary>
    public string VariantKey { get; init; } = "";

    /// <summary>Id of the device profile it ran on (<c>local-cpu</c>, …).</summary>
    public string DeviceProfile { get; init; } = "";

    /// <summary>The hardware, for grouping: the device's model.</summary>
    public string Device { get; init; } = "";

    /// <summary><c>native</c>, <c>qemu</c>, <c>device</c>, <c>csim</c> or <c>rtl-sim</c>.</summary>
    public string Execution { get; init; } = "native";

    /// <summary>Global size.</summary>
    public long[] Global { get; init; } = [];

    /// <summary>Work-group size.</summary>
    public long[] Local { get; init; } = [];

    /// <summary>Threads the kernel ran on (0: all).</summary>
    public int Threads { get; init; }

    /// <summary>Untimed launches before the timed ones.</summary>
    public int Warmup { get; init; }

    /// <summary>Timed iterations.</summary>
    public int Iterations { get; init; }

    /// <summary>Upper outliers set aside.</summary>
    public int Outliers { get; init; }

    /// <summary>Median kernel time (ms).</summary>
    public double MedianMs { get; init; }

    /// <summary>Mean kernel time (ms).</summary>
    public double MeanMs { get; init; }

    /// <summary>Standard error of the mean (ms).</summary>
    public double StandardErrorMs { get; init; }

    /// <summary>99.9 % confidence interval of the mean, lower end (ms).</summary>
    public double CiLowerMs { get; init; }

    /// <summary>99.9 % confidence interval of the mean, upper end (ms).</summary>
    public double CiUpperMs { get; init; }

    /// <summary>Fastest iteration (ms).</summary>
    public double MinMs { get; init; }

    /// <summary>Slowest iteration (ms).</summary>
    public double MaxMs { get; init; }

    /// <summary>Bytes the kernel moves per launch (inputs read, outputs read and written).</summary>
    public long Bytes { get; init; }

    /// <summary>Floating-point operations per launch, from the IR (0: unknown or none).</summary>
    public double Flops { get; init; }

    /// <summary>True when every loop's trip count in the FLOP count came from the launch.</summary>
    public bool FlopsExact { get; init; }

    /// <summary>GB/s: <see cref="Bytes"/> over the median time.</summary>
    public double Gbps { get; init; }

    /// <summary>GFLOP/s: <see cref="Flops"/> over the median time (0 when unknown).</summary>
    public double Gflops { get; init; }

    /// <summary>Peak GFLOP/s of the device (its profile).</summary>
    public double PeakGflops { get; init; }

    /// <summary>Memory bandwidth of the device (GB/s, measured in this run for the CPU).</summary>
    public double BandwidthGbs { get; init; }

    /// <summary>Attained fraction of the roofline bound min(peak, bandwidth × intensity); null for emulated or simulated runs.</summary>
    public double? RooflineFraction { get; init; }

    /// <summary>Whether the outputs equal the reference target's (null: not compared).</summary>
    public bool? OutputsAgree { get; init; }

    /// <summary>What a reader should know about this figure.</summary>
    public IReadOnlyList<string> Warnings { get; init; } = [];

    /// <summary>Why the target failed (null when it ran).</summary>
    public string? Error { get; init; }

    /// <summary>Arithmetic intensity (FLOP per byte moved); 0 when unknown.</summary>
    public double Intensity => Bytes > 0 ? Flops / Bytes : 0;

    /// <summary>True for emulated or simulated execution: never compared with hardware.</summary>
    public bool IsEmulated => Execution is "qemu" or "csim" or "rtl-sim";

    /// <summary>What identifies the same measurement across runs.</summary>
    public string Key => $"{Package}/{Kernel}@{Target}[{string.Join('x', Global)}]";
}
