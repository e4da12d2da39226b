namespace LavaAccel.Ilgpu;

/// <summary>How an ILGPU kernel is indexed: implicitly grouped with a 1-, 2- or 3-D index, or explicitly grouped.</summary>
public enum IlgpuIndexKind
{
    /// <summary>No index parameter: the kernel uses <c>Grid</c>/<c>Group</c> and needs a local size.</summary>
    Explicit,
    /// <summary>First parameter <c>Index1D</c>.</summary>
    Index1D,
    /// <summary>First parameter <c>Index2D</c>.</summary>
    Index2D,
    /// <summary>First parameter <c>Index3D</c>.</summary>
    Index3D,
}
