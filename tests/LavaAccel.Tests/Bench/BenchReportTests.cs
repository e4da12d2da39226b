using System.Xml.Linq;
using LavaAccel.Bench.Machine;
using LavaAccel.Bench.Report;
using LavaAccel.Bench.Results;

namespace LavaAccel.Tests;

/// <summary>lava bench's results files and report, from results built here (nothing measured).</summary>
public sealed class BenchReportTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("lava-bench-report-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    internal static MachineDescription Machine(string host, string date = "2026-12-07T10:00:00Z") =>
        new(host, "Test CPU 9000", 2, 16, "L3 32768K", 50, 2, "Debian GNU/Linux 12 (bookworm)", "19.1.7", "3.1", "1.0.0+abc", date);

    internal static BenchRecord Record(string target, double meanMs, double margin = 0.01, string execution = "native", double flops = 268_435_456, long bytes = 4 << 20, string? peer = null) => new()
    {
        Kernel = "sgemm_tiled",
        Package = "sgemm",
        Target = target,
        Peer = peer,
        Device = "Test CPU 9000",
        DeviceProfile = "local-cpu",
        Execution = execution,
        Global = [512, 512],
        Local = [16, 16],
        Iterations = 20,
        Warmup = 2,
        MedianMs = meanMs,
        MeanMs = meanMs,
        CiLowerMs = meanMs * (1 - margin),
        CiUpperMs = meanMs * (1 + margin),
        MinMs = meanMs * 0.98,
        MaxMs = meanMs * 1.05,
        Bytes = bytes,
        Flops = flops,
        FlopsExact = true,
        Gflops = flops / (meanMs / 1000) / 1e9,
        Gbps = bytes / (meanMs / 1000) / 1e9,
        PeakGflops = 200,
        BandwidthGbs = 50,
        RooflineFraction = execution == "native" ? flops / (meanMs / 1000) / 1e9 / 200 : null,
        OutputsAgree = true,
    };

    [Fact]
    public void Report_has_every_file_with_emulated_runs_marked_and_failures_listed()
    {
        var run = new BenchRun(Machine("alpha"),
        [
            Record("cpu/x86_64/x86-64-v4", 20),
            Record("opencl/spir", 60, peer: "pocl"),
            Record("cpu/aarch64/a64fx", 900, execution: "qemu"),
            new BenchRecord { Kernel = "sgemm_tiled", Package = "sgemm", Target = "ilgpu/cpu", Error = "ilgpu/cpu runs C# packages" },
        ]);
        var charts = ReportWriter.Write(_directory, BenchResults.Of(run));

        Assert.Equal(["time", "roofline"], charts.Select(c => c.Name));
        foreach (var chart in charts)
        {
            var png = File.ReadAllBytes(Path.Combine(_directory, chart.Name + ".png"));
            Assert.Equal([0x89, (byte)'P', (byte)'N', (byte)'G'], png[..4]);
            Assert.Equal("svg", XDocument.Load(Path.Combine(_directory, chart.Name + ".svg")).Root!.Name.LocalName);
        }
        var markdown = File.ReadAllText(Path.Combine(_directory, "report.md"));
        Assert.Contains("| `cpu/x86_64/x86-64-v4` | native |", markdown);
        Assert.Contains("| `cpu/aarch64/a64fx` | qemu |", markdown);
        Assert.Contains("`ilgpu/cpu`: ilgpu/cpu runs C# packages", markdown);
        Assert.Contains("| 0.33 |", markdown); // 20 ms ÷ PoCL's 60 ms
        Assert.Contains("Test CPU 9000", markdown);
        Assert.Contains("1.0.0+abc", markdown);
        var csv = File.ReadAllLines(Path.Combine(_directory, "results.csv"));
        Assert.Equal(5, csv.Length);
        Assert.StartsWith("host,cpu,date,package,kernel,target", csv[0], StringComparison.Ordinal);
        // The emulated run is drawn hatched in its own group, not as hardware.
        var svg = File.ReadAllText(Path.Combine(_directory, "time.svg"));
        Assert.Contains("alpha: emulated (qemu)", svg);
        Assert.Contains("alpha: Test CPU 9000", svg);
    }

    [Fact]
    public void Results_round_trip_and_merge_across_machines()
    {
        var a = BenchResults.Of(new BenchRun(Machine("alpha"), [Record("cpu/x86_64/x86-64-v4", 20)]));
        var b = BenchResults.Of(new BenchRun(Machine("beta"), [Record("cpu/x86_64/x86-64-v4", 12)]));
        var path = Path.Combine(_directory, "a.json");
        File.WriteAllText(path, a.ToJson());
        var loaded = BenchResults.Load(path);
        Assert.Equal(a.Runs[0].Machine, loaded.Runs[0].Machine);
        Assert.Equal(a.ToJson(), loaded.ToJson());
        Assert.Contains("\"variant_key\"", a.ToJson(), StringComparison.Ordinal);

        var merged = BenchResults.Merge([loaded, b]);
        Assert.Equal(["alpha", "beta"], merged.Runs.Select(r => r.Machine.Host));
        var charts = ReportWriter.Write(_directory, merged);
        Assert.Equal(["time", "roofline-alpha-test-cpu-9000", "roofline-beta-test-cpu-9000"], charts.Select(c => c.Name));
        Assert.Contains("## sgemm_tiled on beta", File.ReadAllText(Path.Combine(_directory, "report.md")));
    }

    [Fact]
    public void A_file_that_is_not_results_is_refused_by_name()
    {
        var path = Path.Combine(_directory, "other.json");
        File.WriteAllText(path, "{\"format\": \"something-else\", \"runs\": []}");
        Assert.Contains("other.json: not a lava bench results file", Assert.Throws<LavaException>(() => BenchResults.Load(path)).Message);
        File.WriteAllText(path, "not json");
        Assert.Contains("other.json: not a lava bench results file", Assert.Throws<LavaException>(() => BenchResults.Load(path)).Message);
    }

    [Fact]
    public void Only_a_change_beyond_both_confidence_intervals_is_a_regression()
    {
        var previous = BenchResults.Of(new BenchRun(Machine("alpha"),
            [Record("cpu/x86_64/x86-64-v2", 20), Record("cpu/x86_64/x86-64-v3", 20), Record("cpu/x86_64/x86-64-v4", 20)]));
        var now = new BenchRun(Machine("alpha", "2026-12-08T10:00:00Z"),
            [Record("cpu/x86_64/x86-64-v2", 25), Record("cpu/x86_64/x86-64-v3", 20.2), Record("cpu/x86_64/x86-64-v4", 15), Record("opencl/spir", 40)]);
        var verdicts = Regressions.Compare(now, previous).ToDictionary(c => c.Current.Target, c => c.Verdict);
        Assert.Equal("slower", verdicts["cpu/x86_64/x86-64-v2"]);
        Assert.Equal("same", verdicts["cpu/x86_64/x86-64-v3"]);
        Assert.Equal("faster", verdicts["cpu/x86_64/x86-64-v4"]);
        Assert.False(verdicts.ContainsKey("opencl/spir"));
        var other = new BenchRun(Machine("alpha") with { Cpu = "Another CPU" }, [Record("cpu/x86_64/x86-64-v2", 25)]);
        Assert.Empty(Regressions.Compare(other, previous));
    }
}
