using LavaAccel.Devices;

namespace LavaAccel.Scheduling;

/// <summary>Estimates a kernel's run time on a device and target.</summary>
public interface IRunTimeModel
{
    /// <summary>Seconds, and where the figure comes from (e.g. "history: median of 5 runs", "roofline").</summary>
    (double Seconds, string Basis) Estimate(KernelWork work, DeviceProfile device, string target);
}
