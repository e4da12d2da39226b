using System.CommandLine;
using System.Globalization;
using System.Text.Json.Nodes;
using LavaAccel.Backends;
using LavaAccel.Bench;
using LavaAccel.Bench.Results;
using LavaAccel.Bench.Report;
using LavaAccel.Execution;
using Spectre.Console;

namespace LavaAccel.Cli.Commands;

/// <summary>
/// <c>lava bench PKG --kernel K … [--targets all|T1,T2] [--peers pocl,c] [--report DIR]</c>: measures
/// a kernel on every runnable target (warm-up, pilot, statistics), with peers in the same run, and
/// writes report.md, results.csv, results.json and the time and roofline charts;
/// <c>lava bench --merge A.json B.json --report DIR</c> draws one report from several runs.
/// </summary>
internal static class BenchCommand
{
    public static Command Create()
    {
        var set = new LaunchOptionSet();
        // PKG, --kernel and --global are needed to measure, not to merge: checked below with clear errors.
        set.Input.Arity = ArgumentArity.ZeroOrOne;
        set.Kernel.Required = false;
        set.Global.Required = false;
        set.Repeat.Description = "Timed iterations per target (default: chosen by a pilot to fill --budget)";
        var targets = new Option<string>("--targets") { Description = "all (every target this machine runs for the package's language) or comma-separated target ids", DefaultValueFactory = _ => "all" };
        var report = new Option<string?>("--report") { Description = "Directory for report.md, results.csv, results.json and the charts (default: bench-<package>-<kernel>)" };
        var peers = new Option<string?>("--peers") { Description = "Peers measured in the same run: pocl (PoCL on the package's SPIR), c (the suite's plain-C twin, clang -O3 -march=native)" };
        var budget = new Option<double>("--budget") { Description = "Seconds of timed iterations per target the pilot aims for", DefaultValueFactory = _ => 1.0 };
        var warmup = new Option<int?>("--warmup") { Description = "Untimed launches per target before the timed ones (default: from the pilot, 1 to 10)" };
        var merge = new Option<string[]>("--merge") { Description = "Merge results.json files of earlier runs into one report (no measuring)", AllowMultipleArgumentsPerToken = true };
        var compareTo = new Option<string?>("--compare-to") { Description = "An earlier results.json: flag changes beyond the 99.9 % confidence interval" };
        var failOnRegression = new Option<bool>("--fail-on-regression") { Description = "With --compare-to: exit with status 1 when something got slower" };
        var command = new Command("bench", "Measure a kernel on every runnable target (and peers) and write a report with statistics, rooflines and charts");
        set.AddTo(command);
        foreach (var option in new Option[] { targets, report, peers, budget, warmup, merge, compareTo, failOnRegression })
        {
            command.Options.Add(option);
        }
        command.SetAction(result =>
        {
            var json = result.GetValue(CliOutput.JsonOption);
            var previous = result.GetValue(compareTo) is { } path ? (Path: path, Results: BenchResults.Load(path)) : default;
            var merged = result.GetValue(merge) ?? [];
            BenchResults results;
            string directory;
            if (merged.Length > 0)
            {
                if (merged.Length < 2 && previous.Path is null)
                {
                    throw new LavaException("--merge takes two or more results.json files");
                }
                directory = Path.GetFullPath(result.GetValue(report) ?? throw new LavaException("--merge needs --report DIR for the merged report"));
                results = BenchResults.Merge(merged.Select(BenchResults.Load));
            }
            else
            {
                var settings = Settings(result.GetValue(budget), result.GetResult(set.Repeat) is { Implicit: false } ? result.GetValue(set.Repeat) : null, result.GetValue(warmup), result.GetValue(peers));
                var (run, dir) = Measure(result, set, result.GetValue(targets)!, settings, result.GetValue(report), json);
                results = BenchResults.Of(run);
                directory = dir;
            }
            var comparisons = previous.Results is null ? [] : results.Runs.SelectMany(r => Regressions.Compare(r, previous.Results)).ToArray();
            ReportWriter.Write(directory, results, comparisons, previous.Path);
            var failed = results.Runs.SelectMany(r => r.Records).Count(r => r.Error is not null);
            var measured = results.Runs.SelectMany(r => r.Records).Count(r => r.Error is null);
            var slower = comparisons.Count(c => c.Verdict == "slower");
            if (json)
            {
                CliOutput.Json(new JsonObject
                {
                    ["report"] = directory,
                    ["measured"] = measured,
                    ["failed"] = failed,
                    ["regressions"] = new JsonArray([.. comparisons.Where(c => c.Verdict == "slower").Select(c => (JsonNode?)new JsonObject { ["key"] = c.Current.Key, ["ratio"] = Math.Round(c.Ratio, 4) })]),
                    ["results"] = JsonNode.Parse(results.ToJson()),
                });
            }
            else
            {
                Print(results, comparisons, directory);
            }
            if (measured == 0)
            {
                throw new LavaException($"no target could be measured (the report in {directory} lists why)");
            }
            if (slower > 0 && result.GetValue(failOnRegression))
            {
                CliOutput.Error($"{slower} measurement(s) got slower than in {previous.Path} beyond the 99.9 % confidence interval");
                return 1;
            }
            return 0;
        });
        return command;
    }

    private static BenchSettings Settings(double budget, int? repeat, int? warmup, string? peers)
    {
        if (!(budget > 0 && budget <= 3600))
        {
            throw new LavaException($"--budget {budget.ToString(CultureInfo.InvariantCulture)} is out of range (more than 0, at most 3600 seconds)");
        }
        if (warmup is < 0 or > 100_000)
        {
            throw new LavaException($"--warmup {warmup} is out of range (0 to 100000)");
        }
        var names = (peers ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        foreach (var name in names.Where(n => !BenchSettings.KnownPeers.Contains(n)))
        {
            throw new LavaException($"--peers: unknown peer '{name}' (known: {string.Join(", ", BenchSettings.KnownPeers)})");
        }
        return new BenchSettings(TimeSpan.FromSeconds(budget), repeat, warmup, names);
    }

    private static (BenchRun Run, string Directory) Measure(ParseResult result, LaunchOptionSet set, string requested, BenchSettings settings, string? report, bool json)
    {
        if (result.GetValue(set.Input) is null)
        {
            throw new LavaException("lava bench needs a package (PKG) to measure, or --merge A.json B.json");
        }
        if (result.GetValue(set.Kernel) is null || result.GetValue(set.Global) is null)
        {
            throw new LavaException("lava bench PKG needs --kernel and --global");
        }
        var options = set.Read(result, "auto");
        var package = KernelLauncher.OpenInput(options.Input, options.Defines);
        var ids = requested.Trim() == "all"
            ? [.. BackendRegistry.TargetsFor(package).Where(t => BackendRegistry.For(t).WhyNotRunnable(t) is null)]
            : requested.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(t => TargetId.Parse(t))
                .Where(t => BackendRegistry.For(t) is not null).ToArray(); // an unknown id is an input error; one that cannot run here becomes a failed record
        if (ids.Length == 0)
        {
            throw new LavaException($"no target to benchmark: nothing on this machine runs {(package.IsIlgpu ? "C#" : "OpenCL C")} packages (lava targets lists what runs here)");
        }
        var directory = Path.GetFullPath(report ?? $"bench-{package.Manifest.Name}-{options.Kernel}");
        var run = Progress(json, step => BenchSession.Run(package, options, ids, settings, step));
        return (run, directory);
    }

    // A spinner on a terminal, a line per step when stderr is a file or pipe, nothing under --json.
    private static T Progress<T>(bool json, Func<Action<string>, T> work)
    {
        if (json)
        {
            return work(_ => { });
        }
        if (Console.IsErrorRedirected)
        {
            return work(step => Console.Error.WriteLine($"bench: {step}"));
        }
        return CliOutput.WithProgress(json, "starting", work);
    }

    private static void Print(BenchResults results, IReadOnlyList<Comparison> comparisons, string directory)
    {
        var inv = CultureInfo.InvariantCulture;
        foreach (var run in results.Runs)
        {
            var table = new Table().Border(TableBorder.Simple).AddColumns("target", "exec", "median", "± 99.9% CI", "n", "GB/s", "GFLOP/s", "roofline", "outputs");
            foreach (var r in run.Records.Where(r => r.Error is null))
            {
                table.AddRow(
                    Markup.Escape(r.Target), r.Execution, CliOutput.Ms(r.MedianMs), CliOutput.Ms((r.CiUpperMs - r.CiLowerMs) / 2), r.Iterations.ToString(inv),
                    r.Gbps.ToString("0.0", inv), r.Flops > 0 ? r.Gflops.ToString("0.00", inv) : "-",
                    r.RooflineFraction is { } f ? $"{100 * f:0}%" : "-",
                    r.OutputsAgree switch { true => "agree", false => "[red]DIFFER[/]", null => "-" });
            }
            Console.WriteLine($"{run.Machine.Host}: {run.Machine.Cpu}, {run.Machine.BandwidthGbs.ToString("0.#", inv)} GB/s measured ({run.Machine.BandwidthThreads} threads)");
            CliOutput.Table(table);
            foreach (var r in run.Records.Where(r => r.Error is not null))
            {
                CliOutput.Warn($"{r.Target} failed: {r.Error}");
            }
        }
        foreach (var c in comparisons.Where(c => c.Verdict != "same"))
        {
            Console.WriteLine($"{(c.Verdict == "slower" ? "REGRESSION" : "faster    ")} {c.Current.Key}: {c.Ratio.ToString("0.00", inv)}× the earlier mean");
        }
        Console.WriteLine($"report    {directory}/report.md (results.csv, results.json, time and roofline charts as PNG and SVG)");
    }
}
