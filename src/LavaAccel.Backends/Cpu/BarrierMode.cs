namespace LavaAccel.Backends.Cpu;

/// <summary>How kernels with barriers are compiled (<c>LAVA_BARRIERS=regions|fibers</c>; regions by default).</summary>
public enum BarrierMode
{
    /// <summary>Region splitting: vectorisable code between barriers.</summary>
    Regions,
    /// <summary>Fibers with a user-space context switch: simplest, slower.</summary>
    Fibers,
}
