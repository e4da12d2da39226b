namespace LavaAccel.Bench.Statistics;

/// <summary>
/// How many untimed and timed iterations one target gets: from a pilot (one warm-up launch and two
/// timed ones in a worker), enough iterations to fill the time budget, within
/// [<see cref="MinIterations"/>, <see cref="MaxIterations"/>]; or exactly what <c>--repeat</c> says.
/// </summary>
/// <param name="Warmup">Untimed launches before the timed ones, in the same worker.</param>
/// <param name="Iterations">Timed launches.</param>
public sealed record IterationPlan(int Warmup, int Iterations)
{
    /// <summary>Fewest timed iterations a budget gives (a slow target may overrun its budget).</summary>
    public const int MinIterations = 7;

    /// <summary>Most timed iterations a budget gives.</summary>
    public const int MaxIterations = 1000;

    /// <summary>The plan for a kernel whose pilot iteration took <paramref name="pilotMs"/>.</summary>
    public static IterationPlan FromPilot(double pilotMs, TimeSpan budget, int? iterations = null, int? warmup = null)
    {
        var each = Math.Max(pilotMs, 1e-3);
        var timed = iterations ?? (int)Math.Clamp(Math.Ceiling(budget.TotalMilliseconds / each), MinIterations, MaxIterations);
        // About a tenth of the budget warms up, at least one launch and at most ten.
        var untimed = warmup ?? (int)Math.Clamp(Math.Ceiling(budget.TotalMilliseconds / 10 / each), 1, 10);
        return new IterationPlan(untimed, timed);
    }

    /// <summary>Expected time of the plan's launches.</summary>
    public TimeSpan Expected(double pilotMs) => TimeSpan.FromMilliseconds(pilotMs * (Warmup + Iterations));
}
