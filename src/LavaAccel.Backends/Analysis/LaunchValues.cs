namespace LavaAccel.Backends.Analysis;

/// <summary>What one launch fixes that loop bounds may depend on.</summary>
/// <param name="Scalars">Integer scalar arguments by parameter index.</param>
/// <param name="Global">Global size per dimension.</param>
/// <param name="Local">Work-group size per dimension.</param>
public sealed record LaunchValues(IReadOnlyDictionary<int, long> Scalars, long[] Global, long[] Local);

/// <summary>Work of one work-item.</summary>
/// <param name="Flops">Floating-point operations (fused multiply-add: 2).</param>
/// <param name="Bytes">Bytes loaded from and stored to global and constant memory.</param>
/// <param name="LoopsResolved">True when every loop's trip count came from the launch, not a guess.</param>
public sealed record WorkCount(double Flops, double Bytes, bool LoopsResolved);
