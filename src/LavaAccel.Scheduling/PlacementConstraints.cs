namespace LavaAccel.Scheduling;

/// <summary>What the user (or the node) insists on.</summary>
/// <param name="RequireKind"><c>cpu</c>, <c>gpu</c> or <c>fpga</c>, or null.</param>
/// <param name="Target">An exact target id, or null.</param>
/// <param name="Offered">Only these targets (what a node offers), or null for any.</param>
/// <param name="TargetDeviceKind">The kind of device <paramref name="Target"/> runs on, where its backend says (for a clear refusal of contradictions).</param>
public sealed record PlacementConstraints(string? RequireKind = null, string? Target = null, IReadOnlySet<string>? Offered = null, string? TargetDeviceKind = null)
{
    /// <summary>No constraints.</summary>
    public static PlacementConstraints None { get; } = new();
}
