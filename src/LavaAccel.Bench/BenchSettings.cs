namespace LavaAccel.Bench;

/// <summary>How <c>lava bench</c> measures.</summary>
/// <param name="Budget">Timed work per target the pilot aims for.</param>
/// <param name="Iterations">Timed iterations per target when given (<c>--repeat</c>); otherwise chosen from the pilot.</param>
/// <param name="Warmup">Untimed launches per target when given (<c>--warmup</c>); otherwise chosen from the pilot.</param>
/// <param name="Peers">Peers measured in the same run: <c>pocl</c> (PoCL building the package's OpenCL C source), <c>c</c>.</param>
public sealed record BenchSettings(TimeSpan Budget, int? Iterations = null, int? Warmup = null, IReadOnlyList<string>? Peers = null)
{
    /// <summary>Peers lava bench knows.</summary>
    public static readonly IReadOnlyList<string> KnownPeers = ["pocl", "c"];

    /// <summary>The runtime family the "pocl" peer runs in (the OpenCL worker, with PoCL).</summary>
    public const string PoclTarget = "opencl/spir";

    /// <summary>How the "pocl" peer is named in results.</summary>
    public const string PoclPeerName = "pocl (OpenCL C source)";
}
