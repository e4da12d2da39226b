namespace LavaAccel.Backends.Cpu;

/// <summary>How the work-items of one work-group run on a CPU thread.</summary>
public enum KernelMode
{
    /// <summary>No barriers: one vectorisable loop over the work-items.</summary>
    Loop,
    /// <summary>Barriers: one work-item loop per region between barriers, state in per-work-item context arrays.</summary>
    Regions,
    /// <summary>Barriers: each work-item a fiber; a barrier switches to the next work-item.</summary>
    Fibers,
}
