using LavaAccel.Host;
using System.CommandLine;
using System.Globalization;
using System.Text.Json.Nodes;
using LavaAccel.Cache;
using LavaAccel.Execution;
using LavaAccel.Scheduling;
using Spectre.Console;

namespace LavaAccel.Cli.Commands;

/// <summary><c>lava place PKG --kernel K --global N</c>: where the scheduler would run a job, with every candidate's score (nothing runs).</summary>
internal static class PlaceCommand
{
    public static Command Create()
    {
        var input = new Argument<string>("PKG") { Description = "A .lava package, or an OpenCL C file to pack first" };
        var kernel = new Option<string>("--kernel", "-k") { Description = "Kernel", Required = true };
        var global = new Option<string>("--global", "-g") { Description = "Global size N[,N[,N]]", Required = true };
        var local = new Option<string?>("--local", "-l") { Description = "Local size" };
        var args = new Option<string[]>("--arg", "-a") { Description = "Arguments as for lava run (optional: sizes the data to move)" };
        var require = new Option<string?>("--require") { Description = "Only devices of this kind: cpu, gpu or fpga" };
        var target = new Option<string?>("--target", "-t") { Description = "Only this target" };
        var command = new Command("place", "Show which device and target the scheduler would choose, with the score of every candidate (no run)") { input, kernel, global, local, args, require, target };
        command.SetAction(result =>
        {
            var package = KernelLauncher.OpenInput(result.GetValue(input)!, null);
            var signature = package.Manifest.GetKernel(result.GetValue(kernel)!);
            var localText = result.GetValue(local);
            var range = new NdRange(NdRange.ParseSizes(result.GetValue(global)!, "--global"), localText is null ? null : NdRange.ParseSizes(localText, "--local")).Resolve(signature);
            var texts = result.GetValue(args) ?? [];
            var bound = texts.Length == 0 ? [] : ArgumentBinder.Bind(signature, texts, Directory.GetCurrentDirectory());
            var kind = result.GetValue(require);
            if (kind is not (null or "cpu" or "gpu" or "fpga"))
            {
                throw new LavaException($"--require takes cpu, gpu or fpga, not '{kind}'");
            }
            var work = LocalPlacement.Work(package, signature, range, bound);
            var cache = new VariantCache();
            var history = new PerformanceHistory(PerformanceHistory.PathIn(LavaHome.Path));
            var wanted = result.GetValue(target);
            var targetKind = wanted is null ? null : LavaAccel.Backends.BackendRegistry.For(TargetId.Parse(wanted)).DeviceKind(TargetId.Parse(wanted));
            var decision = LocalPlacement.Place(work, package, signature, new PlacementConstraints(kind, wanted, TargetDeviceKind: targetKind), cache, history, allDevices: true);
            if (result.GetValue(CliOutput.JsonOption))
            {
                CliOutput.Json(new JsonObject
                {
                    ["kernel"] = signature.Name,
                    ["work_items"] = work.WorkItems,
                    ["flops_per_item"] = work.FlopsPerItem,
                    ["bytes_per_item"] = work.BytesPerItem,
                    ["chosen"] = Describe(decision.Chosen),
                    ["candidates"] = new JsonArray([.. decision.Candidates.Select(c => (JsonNode?)Describe(c))]),
                });
                return 0;
            }
            Console.WriteLine($"job       {signature.Name}, {work.WorkItems:N0} work-items, ≈ {work.FlopsPerItem:0.#} FLOP and {work.BytesPerItem:0.#} B per work-item (static estimate), {CliOutput.Bytes(work.BufferBytes)} of buffers");
            Console.WriteLine($"chosen    {decision.Chosen.Target} on {decision.Chosen.Node}/{decision.Chosen.Device} — {LocalPlacement.Reason(decision)}");
            var table = new Table().Border(TableBorder.Simple).AddColumns("node/device", "target", "queue", "transfer", "compile", "run (basis)", "expected", "verdict");
            foreach (var c in decision.Candidates)
            {
                table.AddRow($"{c.Node}/{Markup.Escape(c.Device)}", Markup.Escape(c.Target),
                    c.Eligible ? Ms(c.QueueSeconds) : "", c.Eligible ? Ms(c.TransferSeconds) : "", c.Eligible ? Ms(c.CompileSeconds) : "",
                    c.Eligible ? $"{Ms(c.RunSeconds)} ({Markup.Escape(c.RunBasis)})" : "", c.Eligible ? Ms(c.TotalSeconds) : "",
                    c == decision.Chosen ? "[green]chosen[/]" : c.Eligible ? "" : Markup.Escape("rejected: " + c.Rejection));
            }
            CliOutput.Table(table);
            return 0;
        });
        return command;
    }

    private static string Ms(double seconds) => CliOutput.Ms(seconds * 1000);

    private static JsonObject Describe(CandidateScore c) => new()
    {
        ["node"] = c.Node,
        ["device"] = c.Device,
        ["target"] = c.Target,
        ["eligible"] = c.Eligible,
        ["rejection"] = c.Rejection,
        ["queue_s"] = c.QueueSeconds,
        ["transfer_s"] = c.TransferSeconds,
        ["compile_s"] = c.CompileSeconds,
        ["run_s"] = c.RunSeconds,
        ["run_basis"] = c.RunBasis,
        ["total_s"] = c.Eligible ? Math.Round(c.TotalSeconds, 9) : null,
    };
}
