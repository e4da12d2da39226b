using System.Globalization;
using System.Net;
using System.Text;

namespace LavaAccel.Cli.Bench;

/// <summary>A horizontal bar chart as a standalone SVG file (no plotting library needed for bars).</summary>
internal static class SvgBarChart
{
    /// <summary>One bar per (label, value); an optional reference line (e.g. the measured memory bandwidth).</summary>
    public static string Render(string title, string unit, IReadOnlyList<(string Label, double Value)> bars, (string Label, double Value)? reference = null)
    {
        var inv = CultureInfo.InvariantCulture;
        const int Left = 230, Right = 90, Top = 40, Bar = 22, Gap = 8, Width = 760;
        var height = Top + bars.Count * (Bar + Gap) + 40;
        var max = Math.Max(bars.Count == 0 ? 1 : bars.Max(b => b.Value), reference?.Value ?? 0);
        max = max <= 0 ? 1 : max * 1.05;
        double X(double v) => Left + (Width - Left - Right) * v / max;
        var svg = new StringBuilder();
        svg.Append(inv, $"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{Width}\" height=\"{height}\" font-family=\"sans-serif\" font-size=\"12\">\n");
        svg.Append(inv, $"<rect width=\"{Width}\" height=\"{height}\" fill=\"white\"/>\n");
        svg.Append(inv, $"<text x=\"{Width / 2}\" y=\"22\" text-anchor=\"middle\" font-size=\"15\">{WebUtility.HtmlEncode(title)}</text>\n");
        for (var i = 0; i < bars.Count; i++)
        {
            var (label, value) = bars[i];
            var y = Top + i * (Bar + Gap);
            svg.Append(inv, $"<text x=\"{Left - 8}\" y=\"{y + Bar * 0.7:0.#}\" text-anchor=\"end\">{WebUtility.HtmlEncode(label)}</text>\n");
            svg.Append(inv, $"<rect x=\"{Left}\" y=\"{y}\" width=\"{Math.Max(1, X(value) - Left):0.#}\" height=\"{Bar}\" fill=\"#c0392b\"/>\n");
            svg.Append(inv, $"<text x=\"{X(value) + 6:0.#}\" y=\"{y + Bar * 0.7:0.#}\">{value:G4} {WebUtility.HtmlEncode(unit)}</text>\n");
        }
        if (reference is { } line)
        {
            var x = X(line.Value);
            svg.Append(inv, $"<line x1=\"{x:0.#}\" y1=\"{Top - 6}\" x2=\"{x:0.#}\" y2=\"{height - 30}\" stroke=\"#2c3e50\" stroke-dasharray=\"5,4\"/>\n");
            svg.Append(inv, $"<text x=\"{x:0.#}\" y=\"{height - 14}\" text-anchor=\"middle\">{WebUtility.HtmlEncode(line.Label)}: {line.Value:G4} {WebUtility.HtmlEncode(unit)}</text>\n");
        }
        svg.Append("</svg>\n");
        return svg.ToString();
    }
}
