using System.Text.Json;
using System.Text.Json.Nodes;
using LavaAccel.Bench.Results;

namespace LavaAccel.Tests;

/// <summary>
/// <c>lava bench</c> from the command line: measured targets with statistics, a peer, a target that
/// fails without losing the others, the report's files; merging and comparing results files.
/// </summary>
public sealed class BenchCommandTests : IDisposable
{
    private readonly TempLavaHome _home = new();

    public void Dispose() => _home.Dispose();

    [Fact]
    public void Bench_measures_each_target_keeps_going_past_a_failure_and_writes_the_report()
    {
        var report = Path.Combine(_home.Path, "report");
        // ilgpu/cpu cannot run an OpenCL package: that target fails, the others are measured and reported.
        var result = LavaCli.Run(_home.Path, "--json", "bench", LavaCli.RepoFile("kernels/saxpy.cl"), "--kernel", "saxpy", "--global", "4096",
            "--arg", "a=2", "--arg", "x=range:4096", "--arg", "y=ones:4096", "--targets", "cpu/x86_64/x86-64-v2,ilgpu/cpu,opencl/spir",
            "--peers", "pocl,c", "--budget", "0.05", "--report", report);
        Assert.True(result.ExitCode == 0, result.ToString());
        var json = JsonNode.Parse(result.Stdout)!;
        Assert.Equal(1, json["failed"]!.GetValue<int>());
        var records = json["results"]!["runs"]![0]!["records"]!.AsArray().ToDictionary(r => r!["target"]!.GetValue<string>(), r => r!);
        Assert.Contains("does not compile this package's kind", records["ilgpu/cpu"]["error"]!.GetValue<string>(), StringComparison.Ordinal);
        foreach (var target in new[] { "cpu/x86_64/x86-64-v2", "opencl/spir" })
        {
            var r = records[target];
            Assert.True(r["outputs_agree"]!.GetValue<bool>(), target);
            Assert.InRange(r["iterations"]!.GetValue<int>(), 7, 1000);
            Assert.True(r["warmup"]!.GetValue<int>() >= 1, target);
            Assert.Equal(2.0 * 4096, r["flops"]!.GetValue<double>()); // one fused multiply-add per work-item
            Assert.True(r["gflops"]!.GetValue<double>() > 0 && r["gbps"]!.GetValue<double>() > 0, target);
            Assert.True(r["ci_lower_ms"]!.GetValue<double>() <= r["mean_ms"]!.GetValue<double>() && r["mean_ms"]!.GetValue<double>() <= r["ci_upper_ms"]!.GetValue<double>(), target);
            Assert.StartsWith("sha256:", r["variant_key"]!.GetValue<string>(), StringComparison.Ordinal);
            Assert.Equal("local-cpu", r["device_profile"]!.GetValue<string>());
        }
        var c = records.Values.Single(r => r["peer"]?.GetValue<string>() == "c");
        Assert.True(c["median_ms"]!.GetValue<double>() > 0);
        // PoCL built the package's OpenCL C source itself, ran on the same buffers, and agrees.
        var pocl = records.Values.Single(r => r["peer"]?.GetValue<string>() == "pocl");
        Assert.True(pocl["outputs_agree"]!.GetValue<bool>(), pocl.ToJsonString());
        Assert.Null(pocl["error"]);
        var machine = json["results"]!["runs"]![0]!["machine"]!;
        Assert.True(machine["bandwidth_gbs"]!.GetValue<double>() > 0);
        Assert.False(string.IsNullOrEmpty(machine["cpu"]!.GetValue<string>()));

        foreach (var file in new[] { "report.md", "results.csv", "results.json", "time.png", "time.svg", "roofline.png", "roofline.svg" })
        {
            Assert.True(new FileInfo(Path.Combine(report, file)).Length > 0, file);
        }
        var markdown = File.ReadAllText(Path.Combine(report, "report.md"));
        Assert.Contains("**Failed**", markdown);
        Assert.Contains("÷ C", markdown);
        Assert.Equal(6, File.ReadAllLines(Path.Combine(report, "results.csv")).Length); // header, three targets (one failed), the PoCL and C peers
        Assert.Contains("÷ PoCL", markdown);
    }

    [Fact]
    public void Merge_draws_one_report_and_compare_to_flags_a_regression()
    {
        var a = Path.Combine(_home.Path, "a.json");
        var b = Path.Combine(_home.Path, "b.json");
        File.WriteAllText(a, BenchResults.Of(new BenchRun(BenchReportTests.Machine("alpha"), [BenchReportTests.Record("cpu/x86_64/x86-64-v4", 20)])).ToJson());
        File.WriteAllText(b, BenchResults.Of(new BenchRun(BenchReportTests.Machine("alpha", "2026-12-08T10:00:00Z"), [BenchReportTests.Record("cpu/x86_64/x86-64-v4", 30)])).ToJson());
        var merged = Path.Combine(_home.Path, "merged");
        var result = LavaCli.Run(_home.Path, "bench", "--merge", a, b, "--report", merged);
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal(2, BenchResults.Load(Path.Combine(merged, "results.json")).Runs.Count);

        var compared = LavaCli.Run(_home.Path, "--json", "bench", "--merge", b, "--compare-to", a, "--report", Path.Combine(_home.Path, "compared"), "--fail-on-regression");
        Assert.Equal(1, compared.ExitCode);
        using var json = JsonDocument.Parse(compared.Stdout);
        Assert.Equal("sgemm/sgemm_tiled@cpu/x86_64/x86-64-v4[512x512]", json.RootElement.GetProperty("regressions")[0].GetProperty("key").GetString());
        Assert.Contains("REGRESSION", File.ReadAllText(Path.Combine(_home.Path, "compared", "report.md")));
    }

    [Fact]
    public void Bench_refuses_an_unknown_target_and_says_what_it_needs()
    {
        var result = LavaCli.Run(_home.Path, "bench", LavaCli.RepoFile("kernels/saxpy.cl"), "--kernel", "saxpy", "--global", "64",
            "--arg", "a=2", "--arg", "x=ones:64", "--arg", "y=ones:64", "--targets", "cpu/x86_64/pentium");
        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("unknown target", result.Stderr);
        var bare = LavaCli.Run(_home.Path, "bench");
        Assert.NotEqual(0, bare.ExitCode);
        Assert.Contains("--merge", bare.Stderr);
        var peer = LavaCli.Run(_home.Path, "bench", LavaCli.RepoFile("kernels/saxpy.cl"), "--kernel", "saxpy", "--global", "64", "--peers", "mkl");
        Assert.Contains("unknown peer 'mkl'", peer.Stderr);
    }
}
