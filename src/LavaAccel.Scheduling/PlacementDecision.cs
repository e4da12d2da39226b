namespace LavaAccel.Scheduling;

/// <summary>The scheduler's choice and every candidate it weighed (the explanation).</summary>
/// <param name="Chosen">The best eligible candidate.</param>
/// <param name="Candidates">All candidates, best first, rejected last.</param>
public sealed record PlacementDecision(CandidateScore Chosen, IReadOnlyList<CandidateScore> Candidates);
