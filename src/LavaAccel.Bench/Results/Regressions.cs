namespace LavaAccel.Bench.Results;

/// <summary>One measurement against the same one (<see cref="BenchRecord.Key"/>, same CPU) of an earlier run.</summary>
/// <param name="Current">This run's record.</param>
/// <param name="Previous">The earlier record.</param>
public sealed record Comparison(BenchRecord Current, BenchRecord Previous)
{
    /// <summary>Mean time now over mean time then (above 1: slower).</summary>
    public double Ratio => Previous.MeanMs > 0 ? Current.MeanMs / Previous.MeanMs : 1;

    /// <summary>
    /// <c>slower</c> or <c>faster</c> when the two 99.9 % confidence intervals do not overlap,
    /// otherwise <c>same</c> (the difference is within the noise).
    /// </summary>
    public string Verdict => Current.CiLowerMs > Previous.CiUpperMs ? "slower" : Current.CiUpperMs < Previous.CiLowerMs ? "faster" : "same";
}

/// <summary>Compares a run with an earlier results file (<c>lava bench --compare-to</c>).</summary>
public static class Regressions
{
    /// <summary>Every record of <paramref name="run"/> that <paramref name="previous"/> also measured (its latest run on the same CPU).</summary>
    public static IReadOnlyList<Comparison> Compare(BenchRun run, BenchResults previous)
    {
        var comparisons = new List<Comparison>();
        foreach (var record in run.Records.Where(r => r.Error is null))
        {
            var earlier = previous.Runs.Where(p => p.Machine.Cpu == run.Machine.Cpu).Reverse()
                .SelectMany(p => p.Records).FirstOrDefault(r => r.Error is null && r.Key == record.Key);
            if (earlier is not null)
            {
                comparisons.Add(new Comparison(record, earlier));
            }
        }
        return comparisons;
    }
}
