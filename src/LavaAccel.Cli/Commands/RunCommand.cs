using System.CommandLine;
using System.Text.Json.Nodes;
using LavaAccel.Execution;
using LavaAccel.Sandbox;

namespace LavaAccel.Cli.Commands;

/// <summary><c>lava run PKG.lava|KERNEL.cl --kernel K --global N … [--target auto|T]</c></summary>
internal static class RunCommand
{
    public static Command Create()
    {
        var set = new LaunchOptionSet();
        var target = new Option<string>("--target", "-t") { Description = "auto (the scheduler picks; `lava place` shows why) or a target id from `lava targets`", DefaultValueFactory = _ => "auto" };
        var command = new Command("run", "Compile a kernel for a target and run it over the given arguments");
        set.AddTo(command);
        command.Options.Add(target);
        command.SetAction(result =>
        {
            var json = result.GetValue(CliOutput.JsonOption);
            var options = set.Read(result, result.GetValue(target)!);
            var outs = set.ReadOuts(result);
            var package = KernelLauncher.OpenInput(options.Input, options.Defines);
            // auto: the scheduler places the job (and explains why); otherwise the named target.
            var choice = TargetSelector.Parse(options.Target) is { } named ? TargetSelector.Check(named, package) : null;
            var report = CliOutput.WithProgress(json, "compiling", progress => KernelLauncher.Launch(package, options, choice, s => progress(s)));
            foreach (var (name, file) in outs)
            {
                report.Output(name).Save(file);
            }
            Console.Error.Write(report.Outcome.KernelOutput);
            if (json)
            {
                CliOutput.Json(Describe(report, outs));
            }
            else
            {
                Print(report, outs);
            }
            return 0;
        });
        return command;
    }

    private static void Print(LaunchReport report, IReadOnlyList<(string Name, string File)> outs)
    {
        var v = report.Variant;
        Console.WriteLine($"target    {report.Choice.Target}  ({report.Choice.Reason})");
        Console.WriteLine(v.Hit
            ? $"variant   cache hit in {CliOutput.Ms(v.LookupMs)} (compiled earlier in {CliOutput.Ms(v.Entry.CompileMs)}), {CliOutput.Bytes(v.Entry.Size)}, {Modes(v)}"
            : $"compile   {CliOutput.Ms(v.Entry.CompileMs)} in the compile worker, {CliOutput.Bytes(v.Entry.Size)}, {Modes(v)} (now cached)");
        Console.WriteLine($"range     global ({string.Join(",", report.Range.Global)}) local ({string.Join(",", report.Range.Local!)})");
        var runs = report.Outcome.KernelMs.Count;
        Console.WriteLine($"kernel    {CliOutput.Ms(report.Outcome.MedianMs)}{(runs > 1 ? $" median of {runs} (min {CliOutput.Ms(report.Outcome.KernelMs[0])})" : "")}, {report.EffectiveGbps:0.0} GB/s effective ({CliOutput.Bytes(report.BufferBytes)} of buffers)");
        var o = report.Outcome;
        if (o.Usage is { } u)
        {
            Console.WriteLine($"sandbox   {o.Sandbox.Name()} ({o.Worker} worker, {o.Execution}): ready in {CliOutput.Ms(o.SandboxStartMs)}, kernel entered {CliOutput.Ms(o.DispatchMs)} after dispatch");
            Console.WriteLine($"usage     wall {CliOutput.Ms(u.WallMs)}, cpu {CliOutput.Ms(u.UserCpuMs)} user + {CliOutput.Ms(u.SystemCpuMs)} sys, peak memory {CliOutput.Bytes(u.PeakMemoryBytes)} ({u.Source})");
        }
        foreach (var (name, file) in outs)
        {
            Console.WriteLine($"output    {name} → {file}");
        }
    }

    private static string Modes(LavaAccel.Cache.CachedVariant v) => string.Join(", ", v.Entry.KernelModes.Select(m => $"{m.Key}: {m.Value}"));

    internal static JsonObject Describe(LaunchReport report, IReadOnlyList<(string Name, string File)> outs) => new()
    {
        ["package"] = report.Package.Manifest.Name,
        ["digest"] = report.Package.Digest,
        ["kernel"] = report.Kernel.Name,
        ["target"] = report.Choice.Target.ToString(),
        ["reason"] = report.Choice.Reason,
        ["sandbox"] = report.Outcome.Sandbox.Name(),
        ["worker"] = report.Outcome.Worker,
        ["execution"] = report.Outcome.Execution,
        ["cache_hit"] = report.Variant.Hit,
        ["compile_ms"] = report.Variant.Hit ? 0 : Math.Round(report.Variant.Entry.CompileMs, 3),
        ["lookup_ms"] = Math.Round(report.Variant.LookupMs, 3),
        ["variant_key"] = report.Variant.Key,
        ["variant_digest"] = report.Variant.Entry.Blob,
        ["sandbox_start_ms"] = Math.Round(report.Outcome.SandboxStartMs, 3),
        ["dispatch_ms"] = Math.Round(report.Outcome.DispatchMs, 3),
        ["kernel_mode"] = report.Variant.Entry.KernelModes.GetValueOrDefault(report.Kernel.Name),
        ["global"] = new JsonArray([.. report.Range.Global.Select(g => (JsonNode?)g)]),
        ["local"] = new JsonArray([.. report.Range.Local!.Select(l => (JsonNode?)l)]),
        ["kernel_ms_median"] = Math.Round(report.Outcome.MedianMs, 6),
        ["kernel_ms"] = new JsonArray([.. report.Outcome.KernelMs.Select(t => (JsonNode?)Math.Round(t, 6))]),
        ["runner_wall_ms"] = Math.Round(report.Outcome.WallMs, 3),
        ["buffer_bytes"] = report.BufferBytes,
        ["gbps"] = Math.Round(report.EffectiveGbps, 3),
        ["outputs"] = new JsonObject(outs.Select(o => KeyValuePair.Create(o.Name, (JsonNode?)o.File))),
        ["usage"] = report.Outcome.Usage is { } u ? Usage(u) : null,
    };

    internal static JsonObject Usage(UsageRecord u) => new()
    {
        ["job"] = u.JobId,
        ["wall_ms"] = Math.Round(u.WallMs, 3),
        ["user_cpu_ms"] = Math.Round(u.UserCpuMs, 3),
        ["system_cpu_ms"] = Math.Round(u.SystemCpuMs, 3),
        ["peak_memory_bytes"] = u.PeakMemoryBytes,
        ["exit"] = u.Exit.Name(),
        ["source"] = u.Source,
    };
}
