using LavaAccel.Host;
using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using LavaAccel.Cache;
using LavaAccel.Sandbox;
using Spectre.Console;

namespace LavaAccel.Cli.Commands;

/// <summary>
/// <c>lava usage [--user U] [--last N]</c>: this node's usage log (LAVA_HOME/usage.jsonl), totals per
/// user and exit reason, and the last jobs. With <c>--server</c> (or LAVA_SERVER) it asks the service
/// for the caller's usage (an admin may name any <c>--user</c>).
/// </summary>
internal static class UsageCommand
{
    public static Command Create()
    {
        var user = new Option<string?>("--user") { Description = "Only this user's jobs" };
        var last = new Option<int>("--last") { Description = "How many of the latest jobs to list", DefaultValueFactory = _ => 10 };
        var command = new Command("usage", "Wall time, CPU time and peak memory of the jobs this node ran (its usage log)");
        command.Options.Add(user);
        command.Options.Add(last);
        command.SetAction(result =>
        {
            if (LavaAccel.Cli.Service.ServiceConnection.Requested(result))
            {
                return Remote(result, result.GetValue(user));
            }
            var log = new UsageLog(UsageLog.PathIn(LavaHome.Path));
            var who = result.GetValue(user);
            var records = log.Read().Where(r => r.ValueKind == JsonValueKind.Object && (who is null || Text(r, "user") == who)).ToArray();
            var totals = records
                .GroupBy(r => (User: Text(r, "user"), Exit: Text(r, "exit")))
                .OrderBy(g => g.Key.User, StringComparer.Ordinal).ThenBy(g => g.Key.Exit, StringComparer.Ordinal)
                .Select(g => (g.Key.User, g.Key.Exit, Jobs: g.Count(), WallMs: g.Sum(r => Number(r, "wall_ms")),
                    CpuMs: g.Sum(r => Number(r, "user_cpu_ms") + Number(r, "system_cpu_ms")), PeakBytes: g.Max(r => Number(r, "peak_memory_bytes"))))
                .ToArray();
            var latest = records.TakeLast(Math.Max(0, result.GetValue(last))).ToArray();
            if (result.GetValue(CliOutput.JsonOption))
            {
                CliOutput.Json(new JsonObject
                {
                    ["log"] = log.Path,
                    ["jobs"] = records.Length,
                    ["totals"] = new JsonArray([.. totals.Select(t => (JsonNode?)new JsonObject
                    {
                        ["user"] = t.User,
                        ["exit"] = t.Exit,
                        ["jobs"] = t.Jobs,
                        ["wall_ms"] = Math.Round(t.WallMs, 3),
                        ["cpu_ms"] = Math.Round(t.CpuMs, 3),
                        ["peak_memory_bytes"] = (long)t.PeakBytes,
                    })]),
                    ["latest"] = new JsonArray([.. latest.Select(r => JsonNode.Parse(r.GetRawText()))]),
                });
                return 0;
            }
            if (records.Length == 0)
            {
                Console.WriteLine($"no jobs recorded yet ({log.Path})");
                return 0;
            }
            var summary = new Table().Border(TableBorder.Simple).AddColumn("user").AddColumn("exit").AddColumn("jobs").AddColumn("wall").AddColumn("cpu").AddColumn("peak memory");
            foreach (var t in totals)
            {
                summary.AddRow(Markup.Escape(t.User), Markup.Escape(t.Exit), t.Jobs.ToString(CultureInfo.InvariantCulture), CliOutput.Ms(t.WallMs), CliOutput.Ms(t.CpuMs), CliOutput.Bytes((long)t.PeakBytes));
            }
            CliOutput.Table(summary);
            var jobs = new Table().Border(TableBorder.Simple).AddColumn("time").AddColumn("job").AddColumn("kernel").AddColumn("target").AddColumn("sandbox").AddColumn("exit").AddColumn("wall").AddColumn("cpu").AddColumn("peak");
            foreach (var r in latest)
            {
                jobs.AddRow(Markup.Escape(Text(r, "time")), Markup.Escape(Text(r, "job")), Markup.Escape(Text(r, "kernel")), Markup.Escape(Text(r, "target")), Markup.Escape(Text(r, "sandbox")), Markup.Escape(Text(r, "exit")),
                    CliOutput.Ms(Number(r, "wall_ms")), CliOutput.Ms(Number(r, "user_cpu_ms") + Number(r, "system_cpu_ms")), CliOutput.Bytes((long)Number(r, "peak_memory_bytes")));
            }
            CliOutput.Table(jobs);
            return 0;
        });
        return command;
    }

    private static int Remote(ParseResult result, string? user)
    {
        using var connection = LavaAccel.Cli.Service.ServiceConnection.Open(result);
        var client = new LavaAccel.Api.V1.UsageService.UsageServiceClient(connection.Channel);
        var usage = connection.Invoke(call => client.GetUsage(new LavaAccel.Api.V1.GetUsageRequest { User = user ?? "" }, call));
        if (result.GetValue(CliOutput.JsonOption))
        {
            CliOutput.Json(new JsonObject
            {
                ["server"] = connection.Server,
                ["user"] = usage.User,
                ["jobs"] = usage.Jobs,
                ["succeeded"] = usage.Succeeded,
                ["failed"] = usage.Failed,
                ["cpu_seconds"] = Math.Round(usage.CpuSeconds, 6),
                ["device_seconds"] = Math.Round(usage.DeviceSeconds, 6),
                ["peak_memory_bytes"] = usage.PeakMemoryBytes,
            });
            return 0;
        }
        Console.WriteLine($"user      {usage.User} on {connection.Server}");
        Console.WriteLine($"jobs      {usage.Jobs} ({usage.Succeeded} succeeded, {usage.Failed} failed)");
        Console.WriteLine($"cpu       {usage.CpuSeconds:0.###} s; device {usage.DeviceSeconds:0.###} s; peak memory of a job {CliOutput.Bytes(usage.PeakMemoryBytes)}");
        return 0;
    }

    private static string Text(JsonElement record, string name) =>
        record.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() ?? "" : "";

    private static double Number(JsonElement record, string name) =>
        record.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number ? v.GetDouble() : 0;
}
