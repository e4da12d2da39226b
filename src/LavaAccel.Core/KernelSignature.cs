namespace LavaAccel;

/// <summary>A kernel of a package: its name and parameters.</summary>
/// <param name="Name">Kernel function name.</param>
/// <param name="Arguments">Parameters in order.</param>
/// <param name="RequiredWorkGroupSize">From <c>reqd_work_group_size</c>, when the kernel declares it.</param>
public sealed record KernelSignature(string Name, IReadOnlyList<KernelArgument> Arguments, long[]? RequiredWorkGroupSize = null)
{
    /// <summary>The C-like prototype, e.g. <c>saxpy(float a, __global const float* x, __global float* y)</c>.</summary>
    public override string ToString() => $"{Name}({string.Join(", ", Arguments)})";
}
