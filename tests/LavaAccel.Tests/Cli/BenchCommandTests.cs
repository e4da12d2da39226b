using System.Text.Json;
using System.Xml.Linq;

namespace LavaAccel.Tests;

/// <summary><c>lava bench</c>: every runnable target (or the given ones), a Markdown report, a CSV and SVG charts.</summary>
public sealed class BenchCommandTests : IDisposable
{
    private readonly TempLavaHome _home = new();

    public void Dispose() => _home.Dispose();

    [Fact]
    public void Bench_writes_report_csv_and_charts_for_each_target()
    {
        var report = Path.Combine(_home.Path, "report");
        var result = LavaCli.Run(_home.Path, "--json", "bench", LavaCli.RepoFile("kernels/saxpy.cl"), "--kernel", "saxpy", "--global", "4096",
            "--arg", "a=2", "--arg", "x=range:4096", "--arg", "y=ones:4096", "--targets", "cpu/x86_64/x86-64-v2,opencl/spir", "--report", report);
        Assert.True(result.ExitCode == 0, result.ToString());
        using var json = JsonDocument.Parse(result.Stdout);
        var targets = json.RootElement.GetProperty("targets").EnumerateArray().ToArray();
        Assert.Equal(["cpu/x86_64/x86-64-v2", "opencl/spir"], targets.Select(t => t.GetProperty("target").GetString()));
        Assert.All(targets, t => Assert.True(t.GetProperty("outputs_agree").GetBoolean()));
        Assert.All(targets, t => Assert.True(t.GetProperty("kernel_ms_median").GetDouble() > 0));

        var csv = File.ReadAllLines(Path.Combine(report, "results.csv"));
        Assert.Equal("target,kernel_ms_median,kernel_ms_min,gbps,outputs_agree", csv[0]);
        Assert.Equal(3, csv.Length);
        var markdown = File.ReadAllText(Path.Combine(report, "report.md"));
        Assert.Contains("| opencl/spir |", markdown);
        Assert.Contains("![kernel time](time.svg)", markdown);
        foreach (var chart in new[] { "time.svg", "gbps.svg" })
        {
            var svg = XDocument.Load(Path.Combine(report, chart));
            Assert.Equal("svg", svg.Root!.Name.LocalName);
            Assert.Equal(2, svg.Descendants().Count(e => e.Name.LocalName == "rect" && e.Attribute("fill")?.Value == "#c0392b"));
        }
    }

    [Fact]
    public void Bench_refuses_an_unknown_target()
    {
        var result = LavaCli.Run(_home.Path, "bench", LavaCli.RepoFile("kernels/saxpy.cl"), "--kernel", "saxpy", "--global", "64",
            "--arg", "a=2", "--arg", "x=ones:64", "--arg", "y=ones:64", "--targets", "cpu/x86_64/pentium");
        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("unknown target", result.Stderr);
    }
}
