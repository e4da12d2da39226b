using System.Text;
using LavaAccel.Bench.Charts;
using LavaAccel.Bench.Results;
using LavaAccel.Host;

namespace LavaAccel.Bench.Report;

/// <summary>
/// Writes a report directory: report.md, results.csv, results.json, a time chart per kernel and a
/// roofline per piece of hardware (PNG and SVG).
/// </summary>
public static class ReportWriter
{
    /// <summary>Writes the report of <paramref name="results"/>; returns the charts drawn.</summary>
    public static IReadOnlyList<ChartFile> Write(string directory, BenchResults results, IReadOnlyList<Comparison>? comparisons = null, string? comparedTo = null)
    {
        Directory.CreateDirectory(directory);
        var charts = new List<ChartFile>();
        var kernels = results.Runs.SelectMany(r => r.Records).Select(r => r.Kernel).Distinct(StringComparer.Ordinal).ToArray();
        foreach (var kernel in kernels)
        {
            var name = kernels.Length == 1 ? "time" : $"time-{Slug(kernel)}";
            var plot = TimeChart.Draw(kernel, results.Runs);
            var bars = results.Runs.Sum(r => r.Records.Count(x => x.Kernel == kernel && x.Error is null));
            ChartStyle.Save(plot, directory, name, 1100, Math.Max(360, 140 + 34 * bars));
            charts.Add(new ChartFile(name, $"{kernel}: kernel time per target"));
        }
        var hardware = results.Runs.SelectMany(run => run.Records.Where(r => r.Error is null && !r.IsEmulated).Select(r => (Group: ChartGroups.Of(results.Runs, run, r), Record: r)))
            .GroupBy(x => x.Group).ToArray();
        foreach (var group in hardware)
        {
            var records = group.Select(g => g.Record).ToArray();
            var name = hardware.Length == 1 ? "roofline" : $"roofline-{Slug(group.Key)}";
            var plot = RooflineChart.Draw(group.Key, records.Max(r => r.BandwidthGbs), records.Max(r => r.PeakGflops), records);
            ChartStyle.Save(plot, directory, name, 1100, 700);
            charts.Add(new ChartFile(name, $"roofline of {group.Key}"));
        }
        Write(directory, "results.json", results.ToJson());
        Write(directory, "results.csv", CsvReport.Render(results));
        Write(directory, "report.md", MarkdownReport.Render(results, comparisons ?? [], comparedTo, charts));
        return charts;
    }

    private static void Write(string directory, string name, string text) =>
        RegularFiles.Write(Path.Combine(directory, name), Encoding.UTF8.GetBytes(text), "report file");

    private static string Slug(string text) =>
        System.Text.RegularExpressions.Regex.Replace(text.ToLowerInvariant(), "[^a-z0-9]+", "-").Trim('-');
}
