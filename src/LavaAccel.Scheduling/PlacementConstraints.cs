namespace LavaAccel.Scheduling;

/// <summary>What the user insists on.</summary>
/// <param name="RequireKind"><c>cpu</c>, <c>gpu</c> or <c>fpga</c>, or null.</param>
/// <param name="Target">An exact target id, or null.</param>
public sealed record PlacementConstraints(string? RequireKind = null, string? Target = null)
{
    /// <summary>No constraints.</summary>
    public static PlacementConstraints None { get; } = new();
}
