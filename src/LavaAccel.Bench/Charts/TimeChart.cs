using LavaAccel.Bench.Results;
using ScottPlot;

namespace LavaAccel.Bench.Charts;

/// <summary>
/// Kernel time per target as horizontal bars on a log axis: the mean with its 99.9 % confidence
/// interval as error bars, coloured by hardware; emulated targets hatched in groups of their own.
/// </summary>
internal static class TimeChart
{
    /// <summary>Draws the time chart of <paramref name="kernel"/> over every run's records.</summary>
    public static Plot Draw(string kernel, IReadOnlyList<BenchRun> runs)
    {
        var rows = runs.SelectMany(run => run.Records.Where(r => r.Kernel == kernel && r.Error is null && r.MeanMs > 0).Select(r => (Group: ChartGroups.Of(runs, run, r), Record: r)))
            .OrderBy(r => r.Record.IsEmulated).ThenBy(r => r.Group, StringComparer.Ordinal).ToArray();
        var plot = ChartStyle.New();
        plot.Title($"{kernel}: kernel time (mean and 99.9 % confidence interval, log scale)");
        if (rows.Length == 0)
        {
            return plot;
        }
        var groups = rows.Select(r => r.Group).Distinct().ToList();
        var floor = Math.Floor(Math.Log10(rows.Min(r => Math.Max(1e-6, Math.Min(r.Record.MinMs, r.Record.CiLowerMs)))));
        var bars = new List<Bar>();
        var positions = new double[rows.Length];
        for (var i = 0; i < rows.Length; i++)
        {
            var (group, record) = rows[i];
            positions[i] = rows.Length - 1 - i;
            var color = ChartStyle.Color(groups.IndexOf(group));
            bars.Add(new Bar
            {
                Position = positions[i],
                Value = Math.Log10(record.MeanMs),
                ValueBase = floor,
                FillColor = color.WithAlpha(record.IsEmulated ? 0.35 : 0.85),
                FillHatch = record.IsEmulated ? new ScottPlot.Hatches.Striped() : null,
                FillHatchColor = color,
                LineColor = color,
                Orientation = Orientation.Horizontal,
                Size = 0.7,
            });
        }
        plot.Add.Bars(bars);
        var errors = new ScottPlot.Plottables.ErrorBar(
            [.. rows.Select(r => Math.Log10(r.Record.MeanMs))],
            positions,
            [.. rows.Select(r => Math.Log10(Math.Max(r.Record.CiUpperMs, r.Record.MeanMs)) - Math.Log10(r.Record.MeanMs))],
            [.. rows.Select(r => Math.Log10(r.Record.MeanMs) - Math.Log10(Math.Max(1e-9, Math.Min(r.Record.CiLowerMs, r.Record.MeanMs))))],
            [.. rows.Select(_ => 0.0)],
            [.. rows.Select(_ => 0.0)]);
        plot.Add.Plottable(errors);
        errors.Color = Colors.Black;
        errors.LineWidth = 1.5f;
        plot.Axes.Left.TickGenerator = new ScottPlot.TickGenerators.NumericManual(positions,
            [.. rows.Select(r => ChartGroups.Label(r.Record) + (r.Record.IsEmulated ? $" [{r.Record.Execution}]" : ""))]);
        ChartStyle.LogAxis(plot.Axes.Bottom, "kernel time (ms, log scale)");
        var top = Math.Ceiling(Math.Log10(rows.Max(r => Math.Max(r.Record.CiUpperMs, r.Record.MaxMs))) + 0.05);
        plot.Axes.SetLimits(floor, Math.Max(top, floor + 1), -0.6, rows.Length - 0.4);
        foreach (var (group, index) in groups.Select((g, i) => (g, i)))
        {
            plot.Legend.ManualItems.Add(new LegendItem { LabelText = group, FillColor = ChartStyle.Color(index), FillHatch = group.Contains("emulated", StringComparison.Ordinal) ? new ScottPlot.Hatches.Striped() : null });
        }
        plot.ShowLegend(Alignment.UpperRight);
        return plot;
    }
}
