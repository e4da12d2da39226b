using System.Collections.Concurrent;
using System.CommandLine;
using System.Diagnostics;
using System.Text.Json.Nodes;
using LavaAccel.Backends;
using LavaAccel.Cache;
using LavaAccel.Execution;
using Spectre.Console;

namespace LavaAccel.Cli.Commands;

/// <summary><c>lava compile PKG --targets T1,T2,…|all [--emit DIR]</c>: precompile variants into the cache.</summary>
internal static class CompileCommand
{
    private sealed record Outcome(TargetId Target, CachedVariant? Variant, string? Error, double WallMs);

    public static Command Create()
    {
        var input = new Argument<string>("PKG") { Description = "A .lava package, or an OpenCL C file to pack first" };
        var targets = new Option<string>("--targets", "-t") { Description = "Comma-separated target ids, or all", Required = true };
        var emit = new Option<string?>("--emit") { Description = "Also write each artifact (.so …) under DIR" };
        var defines = new Option<string[]>("-D") { Description = "Preprocessor definition when compiling an OpenCL C file" };
        var command = new Command("compile", "Precompile variants of a package into the cache (in parallel, one compile worker per target)") { input, targets, emit, defines };
        command.SetAction(result =>
        {
            var json = result.GetValue(CliOutput.JsonOption);
            var package = KernelLauncher.OpenInput(result.GetValue(input)!, result.GetValue(defines));
            if (LavaAccel.Cli.Service.ServiceConnection.Requested(result))
            {
                return LavaAccel.Cli.Service.RemoteCompile.Run(result, package, result.GetValue(targets)!);
            }
            var ids = ParseTargets(result.GetValue(targets)!, package);
            var emitDirectory = result.GetValue(emit);
            var cache = new VariantCache();
            var clock = Stopwatch.StartNew();
            var outcomes = CompileAll(package, ids, cache, json);
            var wall = clock.Elapsed.TotalMilliseconds;
            if (emitDirectory is not null)
            {
                Directory.CreateDirectory(emitDirectory);
                foreach (var o in outcomes.Where(o => o.Variant is not null))
                {
                    // The name is a checked package name (ManifestRules); never written through a link.
                    LavaAccel.Host.RegularFiles.Write(Path.Combine(emitDirectory, $"{package.Manifest.Name}-{o.Target.ToString().Replace('/', '_')}{o.Variant!.Entry.Extension}"), File.ReadAllBytes(o.Variant.ArtifactPath), "emitted artifact");
                }
            }
            Report(outcomes, wall, json);
            var failed = outcomes.Count(o => o.Error is not null);
            if (failed > 0 && !json)
            {
                CliOutput.Error($"{failed} of {outcomes.Count} targets failed to compile (see the table)");
            }
            return failed > 0 ? 1 : 0;
        });
        return command;
    }

    private static TargetId[] ParseTargets(string text, Package package)
    {
        if (text.Trim() == "all")
        {
            return [.. BackendRegistry.TargetsFor(package)];
        }
        var ids = text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(TargetId.Parse).Distinct().ToArray();
        foreach (var id in ids)
        {
            BackendRegistry.For(id); // unknown targets fail before anything compiles
        }
        return ids.Length > 0 ? ids : throw new LavaException("--targets names no target");
    }

    private static List<Outcome> CompileAll(Package package, TargetId[] ids, VariantCache cache, bool json)
    {
        var results = new ConcurrentDictionary<TargetId, Outcome>();
        void CompileOne(TargetId id, Action? done)
        {
            var clock = Stopwatch.StartNew();
            try
            {
                var variant = cache.GetOrCompile(package, id, pin: true);
                results[id] = new Outcome(id, variant, null, clock.Elapsed.TotalMilliseconds);
            }
            catch (LavaException e)
            {
                results[id] = new Outcome(id, null, e.Message, clock.Elapsed.TotalMilliseconds);
            }
            done?.Invoke();
        }
        // Each compile runs in a worker process; more than one per core only adds contention.
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount };
        if (json || Console.IsErrorRedirected)
        {
            Parallel.ForEach(ids, parallel, id => CompileOne(id, null));
        }
        else
        {
            CliOutput.Err.Progress().AutoClear(true).Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new ElapsedTimeColumn()).Start(context =>
            {
                var overall = context.AddTask($"{package.Manifest.Name}: {ids.Length} targets", maxValue: ids.Length);
                Parallel.ForEach(ids, parallel, id => CompileOne(id, () => overall.Increment(1)));
            });
        }
        return ids.Select(id => results[id]).ToList();
    }

    private static void Report(List<Outcome> outcomes, double wallMs, bool json)
    {
        if (json)
        {
            CliOutput.Json(new JsonArray([.. outcomes.Select(o => (JsonNode?)new JsonObject
            {
                ["target"] = o.Target.ToString(),
                ["cache_hit"] = o.Variant?.Hit ?? false,
                ["compile_ms"] = o.Variant is { Hit: false } ? Math.Round(o.Variant.Entry.CompileMs, 3) : 0,
                ["wall_ms"] = Math.Round(o.WallMs, 3),
                ["size"] = o.Variant?.Entry.Size ?? 0,
                ["digest"] = o.Variant?.Entry.Blob,
                ["key"] = o.Variant?.Key,
                ["error"] = o.Error,
            })]));
            return;
        }
        var table = new Table().Border(TableBorder.Simple).AddColumns("target", "result", "time", "size", "variant digest");
        foreach (var o in outcomes)
        {
            if (o.Variant is { } v)
            {
                table.AddRow(o.Target.ToString(), v.Hit ? "cache hit" : "compiled", CliOutput.Ms(v.Hit ? v.LookupMs : v.Entry.CompileMs), CliOutput.Bytes(v.Entry.Size), CliOutput.Short(v.Entry.Blob!, 23));
            }
            else
            {
                table.AddRow(o.Target.ToString(), "[red]failed[/]", CliOutput.Ms(o.WallMs), "", Markup.Escape(FirstLine(o.Error!)));
            }
        }
        CliOutput.Table(table);
        var hits = outcomes.Count(o => o.Variant?.Hit == true);
        Console.WriteLine($"{outcomes.Count} targets in {CliOutput.Ms(wallMs)}: {hits} cache hits, {outcomes.Count(o => o.Variant?.Hit == false)} compiled, {outcomes.Count(o => o.Error is not null)} failed");
    }

    private static string FirstLine(string text) => text.Split('\n')[0];
}
