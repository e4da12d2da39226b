using LavaAccel.Bench.Results;
using ScottPlot;

namespace LavaAccel.Bench.Charts;

/// <summary>
/// The roofline of one piece of hardware: arithmetic intensity (FLOP per byte moved) against
/// GFLOP/s on log axes, the memory-bandwidth slope and the compute ceiling, and each kernel × target
/// that ran on it as a point. Only hardware runs with a FLOP count are drawn.
/// </summary>
internal static class RooflineChart
{
    /// <summary>Draws the roofline of <paramref name="group"/> with <paramref name="points"/>.</summary>
    public static Plot Draw(string group, double bandwidthGbs, double peakGflops, IReadOnlyList<BenchRecord> points)
    {
        var plot = ChartStyle.New();
        plot.Title($"Roofline: {group}");
        var intensities = points.Select(p => p.Intensity).Where(i => i > 0).DefaultIfEmpty(1).ToArray();
        var ridge = bandwidthGbs > 0 && peakGflops > 0 ? peakGflops / bandwidthGbs : 1;
        var left = Math.Floor(Math.Log10(Math.Min(intensities.Min(), ridge)) - 1);
        var right = Math.Ceiling(Math.Log10(Math.Max(intensities.Max(), ridge)) + 1);
        if (bandwidthGbs > 0 && peakGflops > 0)
        {
            var xs = Enumerable.Range(0, 101).Select(i => left + (right - left) * i / 100).ToArray();
            var roof = plot.Add.Scatter(xs, [.. xs.Select(x => Math.Log10(Math.Min(peakGflops, bandwidthGbs * Math.Pow(10, x))))], Colors.Black);
            roof.MarkerSize = 0;
            roof.LineWidth = 2.5f;
            roof.LegendText = $"roofline: {bandwidthGbs:0.#} GB/s measured, {peakGflops:0.#} GFLOP/s peak (profile)";
            var slope = plot.Add.Line(Math.Log10(ridge), Math.Log10(peakGflops), right, Math.Log10(bandwidthGbs) + right);
            slope.Color = Colors.Gray.WithAlpha(0.5); // solid: SVG output has no dash effects
            slope.LineWidth = 1;
            slope.LegendText = "";
            var flat = plot.Add.Line(left, Math.Log10(peakGflops), Math.Log10(ridge), Math.Log10(peakGflops));
            flat.Color = Colors.Gray.WithAlpha(0.5);
            flat.LineWidth = 1;
        }
        var index = 0;
        foreach (var point in points.Where(p => p.Intensity > 0 && p.Gflops > 0))
        {
            var marker = plot.Add.Marker(Math.Log10(point.Intensity), Math.Log10(point.Gflops), MarkerShape.FilledCircle, 9, ChartStyle.Color(index++));
            marker.LegendText = $"{point.Kernel} @ {ChartGroups.Label(point)}: {point.Gflops:0.#} GFLOP/s";
        }
        ChartStyle.LogAxis(plot.Axes.Bottom, "arithmetic intensity (FLOP per byte moved, log scale)");
        ChartStyle.LogAxis(plot.Axes.Left, "GFLOP/s (log scale)");
        var ys = points.Where(p => p.Gflops > 0).Select(p => p.Gflops).Append(Math.Max(peakGflops, 1)).ToArray();
        plot.Axes.SetLimits(left, right, Math.Floor(Math.Log10(ys.Min())) - 1, Math.Ceiling(Math.Log10(ys.Max()) + 0.3));
        plot.ShowLegend(Alignment.UpperLeft); // above the bandwidth slope: nothing can be there
        return plot;
    }
}
