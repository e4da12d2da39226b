using System.Globalization;
using LavaAccel.Host;
using ScottPlot;

namespace LavaAccel.Bench.Charts;

/// <summary>What every chart of a report shares: font, colours, log axes, and how it is saved (PNG and SVG).</summary>
internal static class ChartStyle
{
    // Debian's fonts-dejavu-core (tools/bootstrap.sh installs it).
    private const string Font = "DejaVu Sans";

    private static readonly Color[] Colors = new ScottPlot.Palettes.Category10().Colors;

    /// <summary>The colour of the <paramref name="index"/>th group.</summary>
    public static Color Color(int index) => Colors[index % Colors.Length];

    /// <summary>A plot with the report's font.</summary>
    public static Plot New()
    {
        var plot = new Plot();
        plot.Font.Set(Font);
        return plot;
    }

    /// <summary>Ticks at powers of ten with log-spaced minor ticks; the axis holds log10 of the values.</summary>
    public static void LogAxis(IAxis axis, string label)
    {
        axis.TickGenerator = new ScottPlot.TickGenerators.NumericAutomatic
        {
            IntegerTicksOnly = true,
            MinorTickGenerator = new ScottPlot.TickGenerators.LogMinorTickGenerator(),
            LabelFormatter = exponent => Number(Math.Pow(10, exponent)),
        };
        axis.Label.Text = label;
    }

    /// <summary>A number as a tick label: 0.001, 0.01 … 1, 10 … 1k, 10k.</summary>
    public static string Number(double value) => value switch
    {
        >= 1e6 => string.Create(CultureInfo.InvariantCulture, $"{value / 1e6:0.##}M"),
        >= 1e3 => string.Create(CultureInfo.InvariantCulture, $"{value / 1e3:0.##}k"),
        _ => value.ToString("0.####", CultureInfo.InvariantCulture),
    };

    /// <summary>Writes NAME.png and NAME.svg (never through a link left in the directory).</summary>
    public static IReadOnlyList<string> Save(Plot plot, string directory, string name, int width, int height)
    {
        var png = Path.Combine(directory, name + ".png");
        var svg = Path.Combine(directory, name + ".svg");
        RegularFiles.Write(png, plot.GetImageBytes(width, height, ImageFormat.Png), "chart");
        RegularFiles.Write(svg, System.Text.Encoding.UTF8.GetBytes(plot.GetSvgXml(width, height)), "chart");
        return [png, svg];
    }
}
