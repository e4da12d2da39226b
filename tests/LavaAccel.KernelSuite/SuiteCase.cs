namespace LavaAccel.KernelSuite;

/// <summary>One kernel of the suite with its launch, inputs and reference.</summary>
/// <param name="Name">Unique display name, e.g. <c>sgemm_tiled_64x64x64</c>.</param>
/// <param name="File">File name under <c>kernels/</c>, e.g. <c>sgemm.cl</c>.</param>
/// <param name="Kernel">Kernel function name inside <paramref name="File"/>.</param>
/// <param name="Global">Global work size per dimension.</param>
/// <param name="Local">Local work size per dimension; <see langword="null"/> lets the runtime choose.</param>
/// <param name="MakeInputs">Builds the inputs deterministically (fixed-seed <see cref="Random"/>).</param>
/// <param name="Reference">
/// Expected contents of every output buffer, keyed by argument name, with the element type and length of the
/// input buffer of that name.
/// </param>
/// <param name="AbsTolerance">Allowed absolute difference per element.</param>
/// <param name="RelTolerance">Allowed difference per element relative to the expected value.</param>
public sealed record SuiteCase(
    string Name,
    string File,
    string Kernel,
    long[] Global,
    long[]? Local,
    Func<SuiteData> MakeInputs,
    Func<SuiteData, IReadOnlyDictionary<string, Array>> Reference,
    double AbsTolerance,
    double RelTolerance)
{
    /// <inheritdoc/>
    public override string ToString() => Name;
}
