using LavaAccel.Host;
using System.CommandLine;
using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using LavaAccel.Backends;
using LavaAccel.Cache;
using LavaAccel.Cli.Bench;
using LavaAccel.Devices.Discovery;
using LavaAccel.Execution;
using Spectre.Console;

namespace LavaAccel.Cli.Commands;

/// <summary>
/// <c>lava bench PKG --kernel K … [--targets all|T1,T2] [--report DIR]</c>: runs on every runnable
/// target (or the given ones), checks each one's outputs against the first, and writes a Markdown
/// report, a CSV and SVG charts of time and GB/s against this machine's measured memory bandwidth.
/// </summary>
internal static class BenchCommand
{
    public static Command Create()
    {
        var set = new LaunchOptionSet();
        var targets = new Option<string>("--targets") { Description = "all (every target this machine runs) or comma-separated target ids", DefaultValueFactory = _ => "all" };
        var report = new Option<string?>("--report") { Description = "Directory for report.md, results.csv, time.svg, gbps.svg (default: bench-<package>-<kernel>)" };
        var command = new Command("bench", "Run a kernel on every runnable target and write a report with tables and charts");
        set.AddTo(command);
        command.Options.Add(targets);
        command.Options.Add(report);
        command.SetAction(result =>
        {
            var json = result.GetValue(CliOutput.JsonOption);
            var requested = result.GetValue(targets)!;
            var ids = requested == "all"
                ? BackendRegistry.AllTargets.Where(t => BackendRegistry.For(t).WhyNotRunnable(t) is null).Select(t => t.ToString()).ToArray()
                : requested.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            if (ids.Length == 0)
            {
                throw new LavaException("no target to benchmark");
            }
            var options = set.Read(result, ids[0]);
            if (result.GetValue(set.Repeat) == 1)
            {
                options = options with { Repeat = 5 };
            }
            var package = KernelLauncher.OpenInput(options.Input, options.Defines);
            var choices = ids.Select(TargetSelector.Choose).ToArray();
            var reports = CliOutput.WithProgress(json, "compiling", progress =>
                choices.Select(c => KernelLauncher.Launch(package, options with { Target = c.Target.ToString() }, c, s => progress(s))).ToArray());
            var reference = reports[0];
            var rows = reports.Select(r => (Report: r, Agrees: reference.Outcome.Buffers.Keys.All(o => OutputDifference.Of(reference.Output(o), r.Output(o)).MaxRelative <= 1e-3))).ToArray();
            var bandwidth = BandwidthProbe.GigabytesPerSecond(LavaHome.Path);
            var directory = Path.GetFullPath(result.GetValue(report) ?? $"bench-{package.Manifest.Name}-{reference.Kernel.Name}");
            Write(directory, package, reference, rows, options.Repeat, bandwidth);
            if (json)
            {
                CliOutput.Json(new JsonObject
                {
                    ["kernel"] = reference.Kernel.Name,
                    ["report"] = directory,
                    ["bandwidth_gbps"] = Math.Round(bandwidth, 2),
                    ["targets"] = new JsonArray([.. rows.Select(r => (JsonNode?)new JsonObject
                    {
                        ["target"] = r.Report.Choice.Target.ToString(),
                        ["kernel_ms_median"] = Math.Round(r.Report.Outcome.MedianMs, 6),
                        ["kernel_ms_min"] = Math.Round(r.Report.Outcome.KernelMs[0], 6),
                        ["gbps"] = Math.Round(r.Report.EffectiveGbps, 3),
                        ["outputs_agree"] = r.Agrees,
                    })]),
                });
                return 0;
            }
            var table = new Table().Border(TableBorder.Simple).AddColumns("target", "median", "min", "GB/s", "outputs");
            foreach (var (r, agrees) in rows)
            {
                table.AddRow(Markup.Escape(r.Choice.Target.ToString()), CliOutput.Ms(r.Outcome.MedianMs), CliOutput.Ms(r.Outcome.KernelMs[0]), r.EffectiveGbps.ToString("0.0", CultureInfo.InvariantCulture), agrees ? "agree" : "[red]DIFFER[/]");
            }
            CliOutput.Table(table);
            Console.WriteLine($"report    {directory}/report.md (results.csv, time.svg, gbps.svg)");
            return 0;
        });
        return command;
    }

    private static void Write(string directory, Package package, LaunchReport reference, IReadOnlyList<(LaunchReport Report, bool Agrees)> rows, int repeat, double bandwidth)
    {
        var inv = CultureInfo.InvariantCulture;
        Directory.CreateDirectory(directory);
        var csv = new StringBuilder("target,kernel_ms_median,kernel_ms_min,gbps,outputs_agree\n");
        foreach (var (r, agrees) in rows)
        {
            csv.Append(inv, $"{r.Choice.Target},{r.Outcome.MedianMs:0.######},{r.Outcome.KernelMs[0]:0.######},{r.EffectiveGbps:0.###},{(agrees ? "yes" : "no")}\n");
        }
        WriteReport(directory, "results.csv", csv.ToString());
        WriteReport(directory, "time.svg", SvgBarChart.Render($"{reference.Kernel.Name}: kernel time (median of {repeat})", "ms", [.. rows.Select(r => (r.Report.Choice.Target.ToString(), r.Report.Outcome.MedianMs))]));
        WriteReport(directory, "gbps.svg", SvgBarChart.Render($"{reference.Kernel.Name}: effective bandwidth", "GB/s", [.. rows.Select(r => (r.Report.Choice.Target.ToString(), r.Report.EffectiveGbps))], ("measured memory bandwidth", bandwidth)));
        var md = new StringBuilder();
        md.Append(inv, $"# lava bench: {package.Manifest.Name} / {reference.Kernel.Name}\n\n");
        md.Append(inv, $"Package digest `{package.Digest}`; global ({string.Join(",", reference.Range.Global)}), local ({string.Join(",", reference.Range.Local!)}); median of {repeat} runs per target; {reference.BufferBytes} bytes of buffer traffic; outputs checked against {reference.Choice.Target} (relative difference ≤ 1e-3). This machine's measured memory bandwidth: {bandwidth:0.#} GB/s.\n\n");
        md.Append("| target | median ms | min ms | GB/s | % of measured bandwidth | outputs |\n|---|---:|---:|---:|---:|---|\n");
        foreach (var (r, agrees) in rows)
        {
            md.Append(inv, $"| {r.Choice.Target} | {r.Outcome.MedianMs:0.###} | {r.Outcome.KernelMs[0]:0.###} | {r.EffectiveGbps:0.0} | {100 * r.EffectiveGbps / Math.Max(bandwidth, 1e-9):0} % | {(agrees ? "agree" : "DIFFER")} |\n");
        }
        md.Append("\n![kernel time](time.svg)\n\n![bandwidth](gbps.svg)\n");
        WriteReport(directory, "report.md", md.ToString());
    }

    // Report files are never written through a link someone left in the directory.
    private static void WriteReport(string directory, string name, string text) =>
        LavaAccel.Host.RegularFiles.Write(Path.Combine(directory, name), System.Text.Encoding.UTF8.GetBytes(text), "report file");
}
