using LavaAccel.Bench.Results;

namespace LavaAccel.Bench.Charts;

/// <summary>
/// Records as charts group them: by hardware (machine and device), emulated and simulated runs in
/// groups of their own, so nothing emulated is drawn as a hardware figure.
/// </summary>
internal static class ChartGroups
{
    /// <summary>The group a record of <paramref name="run"/> (one of <paramref name="runs"/>) belongs to.</summary>
    public static string Of(IReadOnlyList<BenchRun> runs, BenchRun run, BenchRecord record)
    {
        // Runs are told apart by host; several runs of one host (merged) also by their date.
        var label = runs.Count(r => r.Machine.Host == run.Machine.Host) > 1 ? $"{run.Machine.Host} {run.Machine.Date}" : run.Machine.Host;
        return record.IsEmulated ? $"{label}: emulated ({record.Execution})" : $"{label}: {record.Device}";
    }

    /// <summary>The label of a record's bar or point.</summary>
    public static string Label(BenchRecord record) => record.Peer switch
    {
        "pocl" => $"{record.Target} (PoCL peer)",
        "c" => "plain C peer",
        _ => record.Target,
    };
}
