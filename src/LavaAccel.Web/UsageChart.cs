using ScottPlot;

namespace LavaAccel.Web;

/// <summary>Device seconds per day, one bar per key (user or device) and day (ScottPlot, as SVG in a data URI: no file, no extra request).</summary>
internal static class UsageChart
{
    public static string DataUri(IReadOnlyList<(string Key, DateOnly Day, double DeviceSeconds)> daily, string title)
    {
        var plot = new Plot();
        plot.Font.Set("DejaVu Sans");
        var days = daily.Select(d => d.Day).Distinct().Order().ToList();
        var users = daily.Select(d => d.Key).Distinct().Order(StringComparer.Ordinal).ToList();
        var palette = new ScottPlot.Palettes.Category10();
        var width = 0.8 / users.Count;
        foreach (var (user, u) in users.Select((user, i) => (user, i)))
        {
            var bars = daily.Where(d => d.Key == user).Select(d => new Bar
            {
                Position = days.IndexOf(d.Day) - 0.4 + width * (u + 0.5),
                Value = d.DeviceSeconds,
                Size = width * 0.9,
                FillColor = palette.GetColor(u),
            }).ToList();
            var plotted = plot.Add.Bars(bars);
            plotted.LegendText = user;
        }
        plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericManual([.. days.Select((_, i) => (double)i)], [.. days.Select(d => d.ToString("MM-dd", System.Globalization.CultureInfo.InvariantCulture))]);
        plot.Axes.Left.Label.Text = "device seconds";
        plot.Title(title);
        plot.Axes.Margins(bottom: 0);
        plot.Axes.SetLimitsX(-0.6, Math.Max(days.Count, 7) - 0.4); // a day is never wider than a seventh of the chart
        plot.ShowLegend(Alignment.UpperLeft);
        var svg = plot.GetSvgXml(900, 320);
        return "data:image/svg+xml;base64," + Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(svg));
    }
}
