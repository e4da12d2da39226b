namespace LavaAccel.Execution;

/// <summary>A chosen target and why it was chosen.</summary>
/// <param name="Target">The target.</param>
/// <param name="Reason">One sentence for the user.</param>
public sealed record TargetChoice(TargetId Target, string Reason);
