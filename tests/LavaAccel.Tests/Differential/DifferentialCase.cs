namespace LavaAccel.Tests.Differential;

/// <summary>A kernel nobody tuned lava for, with a launch; PoCL's output is the reference.</summary>
/// <param name="Name">Display name.</param>
/// <param name="Source">OpenCL C source.</param>
/// <param name="Kernel">Kernel to run.</param>
/// <param name="Global">Global size.</param>
/// <param name="Local">Local size (null: lava's choice, given to PoCL too).</param>
/// <param name="Arguments">Argument texts as for <c>lava run --arg</c>.</param>
/// <param name="Tolerance">Relative tolerance for floating-point outputs (integers must match exactly).</param>
public sealed record DifferentialCase(string Name, string Source, string Kernel, long[] Global, long[]? Local, string[] Arguments, double Tolerance = 1e-5)
{
    /// <inheritdoc />
    public override string ToString() => Name;
}
