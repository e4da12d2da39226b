using System.CommandLine;
using System.Text.Json.Nodes;
using LavaAccel.Backends;
using Spectre.Console;

namespace LavaAccel.Cli.Commands;

/// <summary><c>lava targets</c></summary>
internal static class TargetsCommand
{
    public static Command Create()
    {
        var command = new Command("targets", "List every target this build can compile for, and which of them this machine can run");
        command.SetAction(result =>
        {
            var rows = BackendRegistry.All.SelectMany(b => b.Targets.Select(t => (Target: t, Why: b.WhyNotRunnable(t), Input: b.InputLanguage))).ToArray();
            if (result.GetValue(CliOutput.JsonOption))
            {
                CliOutput.Json(new JsonArray([.. rows.Select(r => (JsonNode?)new JsonObject
                {
                    ["target"] = r.Target.ToString(),
                    ["backend"] = r.Target.Backend,
                    ["kernels"] = r.Input,
                    ["compile"] = true,
                    ["runnable"] = r.Why is null,
                    ["reason"] = r.Why,
                })]));
                return 0;
            }
            var table = new Table().Border(TableBorder.Simple).AddColumn("target").AddColumn("kernels").AddColumn("compile").AddColumn("run here");
            foreach (var (target, why, input) in rows)
            {
                table.AddRow(target.ToString(), input == "csharp" ? "C#" : "OpenCL C", "yes", why is null ? (LavaAccel.Execution.Runners.RunnerRegistry.For(target).Execution(target) == "qemu" ? "yes (qemu-aarch64)" : "yes") : Markup.Escape("no: " + why));
            }
            CliOutput.Table(table);
            return 0;
        });
        return command;
    }
}
