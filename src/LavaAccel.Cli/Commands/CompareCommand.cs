using System.CommandLine;
using System.Text.Json.Nodes;
using LavaAccel.Execution;
using Spectre.Console;

namespace LavaAccel.Cli.Commands;

/// <summary><c>lava compare PKG --kernel K … --targets T1,T2,…</c>: largest differences of every output against the first target.</summary>
internal static class CompareCommand
{
    public static Command Create()
    {
        var set = new LaunchOptionSet();
        var targets = new Option<string>("--targets") { Description = "Comma-separated target ids; the first is the reference", Required = true };
        var command = new Command("compare", "Run a kernel on several targets and report the largest difference of each output against the first");
        set.AddTo(command);
        command.Options.Add(targets);
        command.SetAction(result =>
        {
            var json = result.GetValue(CliOutput.JsonOption);
            var ids = result.GetValue(targets)!.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            if (ids.Length < 2)
            {
                throw new LavaException("--targets needs at least two targets to compare");
            }
            var options = set.Read(result, ids[0]);
            var package = KernelLauncher.OpenInput(options.Input, options.Defines);
            var choices = ids.Select(TargetSelector.Choose).ToArray();
            var reports = CliOutput.WithProgress(json, "compiling", progress =>
                choices.Select(c => KernelLauncher.Launch(package, options with { Target = c.Target.ToString() }, c, s => progress(s))).ToArray());
            var reference = reports[0];
            var outputs = reference.Outcome.Buffers.Keys.Order(StringComparer.Ordinal).ToArray();
            var rows = reports.Skip(1).SelectMany(r => outputs.Select(o => (Report: r, Output: o, Diff: OutputDifference.Of(reference.Output(o), r.Output(o))))).ToArray();
            if (json)
            {
                CliOutput.Json(new JsonObject
                {
                    ["reference"] = reference.Choice.Target.ToString(),
                    ["kernel"] = reference.Kernel.Name,
                    ["targets"] = new JsonArray([.. reports.Select(r => (JsonNode?)new JsonObject
                    {
                        ["target"] = r.Choice.Target.ToString(),
                        ["kernel_ms_median"] = Math.Round(r.Outcome.MedianMs, 6),
                        ["cache_hit"] = r.Variant.Hit,
                    })]),
                    ["differences"] = new JsonArray([.. rows.Select(row => (JsonNode?)new JsonObject
                    {
                        ["target"] = row.Report.Choice.Target.ToString(),
                        ["output"] = row.Output,
                        ["max_abs"] = row.Diff.MaxAbsolute,
                        ["max_rel"] = row.Diff.MaxRelative,
                        ["elements"] = row.Diff.Elements,
                    })]),
                });
                return 0;
            }
            var table = new Table().Border(TableBorder.Simple).AddColumns("target", "kernel time", "output", "max abs diff", "max rel diff");
            table.AddRow(Markup.Escape(reference.Choice.Target.ToString()), CliOutput.Ms(reference.Outcome.MedianMs), "(reference)", "", "");
            foreach (var row in rows)
            {
                table.AddRow(Markup.Escape(row.Report.Choice.Target.ToString()), CliOutput.Ms(row.Report.Outcome.MedianMs), Markup.Escape(row.Output), $"{row.Diff.MaxAbsolute:G4}", $"{row.Diff.MaxRelative:G4}");
            }
            CliOutput.Table(table);
            return 0;
        });
        return command;
    }
}
