using System.CommandLine;
using System.Text.Json.Nodes;
using LavaAccel.Cache;
using Spectre.Console;

namespace LavaAccel.Cli.Commands;

/// <summary><c>lava cache stats|ls|verify|gc [--max-size SIZE]</c></summary>
internal static class CacheCommand
{
    public static Command Create()
    {
        var command = new Command("cache", "See and manage the variant cache under LAVA_HOME");
        command.Subcommands.Add(Stats());
        command.Subcommands.Add(List());
        command.Subcommands.Add(Verify());
        command.Subcommands.Add(Gc());
        return command;
    }

    private static Command Stats()
    {
        var command = new Command("stats", "Entries, blobs and size of the cache");
        command.SetAction(result =>
        {
            var s = new VariantCache().Stats();
            if (result.GetValue(CliOutput.JsonOption))
            {
                CliOutput.Json(new JsonObject
                {
                    ["root"] = s.Root,
                    ["entries"] = s.Entries,
                    ["failures"] = s.Failures,
                    ["pinned"] = s.Pinned,
                    ["blobs"] = s.Blobs,
                    ["bytes"] = s.Bytes,
                    ["max_bytes"] = s.MaxBytes,
                    ["by_target"] = new JsonObject(s.ByTarget.Select(t => KeyValuePair.Create(t.Key, (JsonNode?)t.Value))),
                });
                return 0;
            }
            Console.WriteLine($"cache     {s.Root}");
            Console.WriteLine($"variants  {s.Entries} ({s.Pinned} pinned), {s.Failures} failed compiles recorded");
            Console.WriteLine($"blobs     {s.Blobs}, {CliOutput.Bytes(s.Bytes)} of {CliOutput.Bytes(s.MaxBytes)} allowed (LAVA_CACHE_MAX_SIZE)");
            foreach (var (target, count) in s.ByTarget)
            {
                Console.WriteLine($"          {target}: {count}");
            }
            return 0;
        });
        return command;
    }

    private static Command List()
    {
        var command = new Command("ls", "Every cached variant (and recorded compile failures), most recently used first");
        command.SetAction(result =>
        {
            var entries = new VariantCache().List();
            if (result.GetValue(CliOutput.JsonOption))
            {
                CliOutput.Json(new JsonArray([.. entries.Select(e => (JsonNode?)new JsonObject
                {
                    ["key"] = e.Key,
                    ["target"] = e.Target,
                    ["package"] = e.Package,
                    ["package_digest"] = e.PackageDigest,
                    ["blob"] = e.Blob,
                    ["size"] = e.Size,
                    ["compile_ms"] = Math.Round(e.CompileMs, 3),
                    ["pinned"] = e.Pinned,
                    ["built_by"] = e.BuiltBy,
                    ["created"] = CliOutput.IsoTime(e.Created),
                    ["last_used"] = CliOutput.IsoTime(e.LastUsed),
                    ["error"] = e.Error,
                })]));
                return 0;
            }
            var table = new Table().Border(TableBorder.Simple).AddColumns("package", "target", "size", "compile", "last used", "key / error");
            foreach (var e in entries)
            {
                table.AddRow(Markup.Escape(e.Package), e.Target, e.Error is null ? CliOutput.Bytes(e.Size) : "[red]failed[/]", CliOutput.Ms(e.CompileMs),
                    CliOutput.LocalTime(e.LastUsed) + (e.Pinned ? " (pinned)" : ""),
                    Markup.Escape(e.Error?.Split('\n')[0] ?? CliOutput.Short(e.Key, 23)));
            }
            CliOutput.Table(table);
            return 0;
        });
        return command;
    }

    private static Command Verify()
    {
        var command = new Command("verify", "Check every blob against its digest and every entry; exits non-zero on damage (damaged blobs are quarantined and rebuilt on next use)");
        command.SetAction(result =>
        {
            var report = new VariantCache().Verify();
            if (result.GetValue(CliOutput.JsonOption))
            {
                CliOutput.Json(new JsonObject
                {
                    ["clean"] = report.Clean,
                    ["blobs_checked"] = report.BlobsChecked,
                    ["entries_checked"] = report.EntriesChecked,
                    ["problems"] = new JsonArray([.. report.Problems.Select(p => (JsonNode?)p)]),
                });
            }
            else
            {
                foreach (var problem in report.Problems)
                {
                    Console.WriteLine($"damaged   {problem}");
                }
                Console.WriteLine($"checked {report.BlobsChecked} blobs and {report.EntriesChecked} entries: {(report.Clean ? "all intact" : $"{report.Problems.Count} problems")}");
            }
            if (!report.Clean)
            {
                CliOutput.Error($"the cache had {report.Problems.Count} damaged items (quarantined; they will be rebuilt when used)");
            }
            return report.Clean ? 0 : 1;
        });
        return command;
    }

    private static Command Gc()
    {
        var maxSize = new Option<string?>("--max-size") { Description = "Evict least-recently-used variants (pinned last) until the cache fits, e.g. 500M, 2G (default: LAVA_CACHE_MAX_SIZE or 2G)" };
        var command = new Command("gc", "Evict variants to a size bound; remove orphaned blobs and leftovers of killed writers") { maxSize };
        command.SetAction(result =>
        {
            var cache = new VariantCache();
            var text = result.GetValue(maxSize);
            var report = cache.Gc(text is null ? cache.MaxBytes : VariantCache.ParseSize(text));
            if (result.GetValue(CliOutput.JsonOption))
            {
                CliOutput.Json(new JsonObject
                {
                    ["entries_removed"] = report.EntriesRemoved,
                    ["blobs_removed"] = report.BlobsRemoved,
                    ["bytes_freed"] = report.BytesFreed,
                    ["bytes_left"] = report.BytesLeft,
                });
            }
            else
            {
                Console.WriteLine($"removed {report.EntriesRemoved} variants and {report.BlobsRemoved} blobs ({CliOutput.Bytes(report.BytesFreed)}); {CliOutput.Bytes(report.BytesLeft)} left");
            }
            return 0;
        });
        return command;
    }
}
