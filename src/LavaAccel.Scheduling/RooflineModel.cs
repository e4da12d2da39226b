using LavaAccel.Devices;

namespace LavaAccel.Scheduling;

/// <summary>
/// Before there is history: the roofline bound from the static work estimate and the device's
/// peaks — time = work-items × max(FLOPs ÷ attainable FLOP/s, bytes ÷ attainable bandwidth) plus a
/// launch overhead. Attainable = half the compute peak, 70 % of the bandwidth.
/// </summary>
public sealed class RooflineModel : IRunTimeModel
{
    /// <summary>Fixed cost of a launch (wake the pool, first work-group).</summary>
    public const double LaunchSeconds = 20e-6;

    private const double ComputeEfficiency = 0.5;
    private const double BandwidthEfficiency = 0.7;
    private const double UnknownBandwidthGbs = 10;

    /// <inheritdoc />
    public (double Seconds, string Basis) Estimate(KernelWork work, DeviceProfile device, string target) =>
        (Seconds(work, device), "roofline");

    /// <summary>The bound alone.</summary>
    public static double Seconds(KernelWork work, DeviceProfile device)
    {
        var peak = (work.NeedsFp64 ? device.PeakGflops.Fp64 : device.PeakGflops.Fp32) * 1e9 * ComputeEfficiency;
        var bandwidth = (device.Memory.BandwidthGbs > 0 ? device.Memory.BandwidthGbs : UnknownBandwidthGbs) * 1e9 * BandwidthEfficiency;
        var compute = peak > 0 ? work.FlopsPerItem / peak : 0;
        var memory = work.BytesPerItem / bandwidth;
        return LaunchSeconds + work.WorkItems * Math.Max(compute, memory);
    }
}
