using System.Globalization;
using System.Text.Json.Nodes;
using LavaAccel.Api.V1;

namespace LavaAccel.Cli.Service;

/// <summary>How the service commands show jobs (text and <c>--json</c>).</summary>
internal static class JobPrinter
{
    public static JsonObject Json(Job job) => new()
    {
        ["job_id"] = job.Id,
        ["state"] = job.State,
        ["owner"] = job.Owner,
        ["package"] = job.PackageDigest,
        ["kernel"] = job.Kernel,
        ["target"] = job.Target.Length > 0 ? job.Target : null,
        ["requested_target"] = job.RequestedTarget.Length > 0 ? job.RequestedTarget : "auto",
        ["node"] = job.Node.Length > 0 ? job.Node : job.Placement?.Chosen?.Node,
        ["device"] = job.Device.Length > 0 ? job.Device : null,
        ["reason"] = job.Reason.Length > 0 ? job.Reason : null,
        ["placement"] = job.Placement is { Chosen: { } chosen } placement ? new JsonObject
        {
            ["chosen"] = Candidate(chosen),
            ["runners_up"] = new JsonArray([.. placement.RunnersUp.Select(c => (JsonNode)Candidate(c))]),
            ["candidates"] = placement.Candidates,
            ["rejected"] = placement.Rejected,
        } : null,
        ["error"] = job.Error.Length > 0 ? job.Error : null,
        ["kernel_ms"] = job.KernelMs,
        ["cache_hit"] = job.CacheHit,
        ["attempts"] = job.Attempts,
        ["created"] = Iso(job.CreatedUnixMs),
        ["started"] = Iso(job.StartedUnixMs),
        ["finished"] = Iso(job.FinishedUnixMs),
        ["usage"] = new JsonObject
        {
            ["wall_ms"] = job.Usage?.WallMs ?? 0,
            ["cpu_ms"] = job.Usage?.CpuMs ?? 0,
            ["device_ms"] = job.Usage?.DeviceMs ?? 0,
            ["peak_memory_bytes"] = job.Usage?.PeakMemoryBytes ?? 0,
        },
    };

    private static JsonObject Candidate(PlacementCandidate c) => new()
    {
        ["node"] = c.Node,
        ["device"] = c.Device,
        ["target"] = c.Target,
        ["expected_seconds"] = c.TotalSeconds,
        ["queue_seconds"] = c.QueueSeconds,
        ["transfer_seconds"] = c.TransferSeconds,
        ["compile_seconds"] = c.CompileSeconds,
        ["run_seconds"] = c.RunSeconds,
        ["basis"] = c.Basis,
    };

    /// <summary>The state as tables show it: a waiting job with its reason's kind, as Slurm does (<c>queued (Resources)</c>).</summary>
    public static string State(Job job) => job.Reason.Length > 0 ? $"{job.State} ({job.Reason.Split(':')[0]})" : job.State;

    public static void Print(Job job)
    {
        Console.WriteLine($"job       {job.Id}  {job.State}{(job.Error.Length > 0 ? ": " + job.Error : "")}");
        Console.WriteLine($"kernel    {job.Kernel} of {CliOutput.Short(job.PackageDigest, 19)}  owner {job.Owner}");
        if (job.Target.Length > 0)
        {
            Console.WriteLine($"target    {job.Target} on {(job.Device.Length > 0 ? job.Device : "node " + job.Node)}{(job.CacheHit ? " (variant cached)" : "")}");
        }
        else
        {
            Console.WriteLine($"target    asked for {(job.RequestedTarget.Length > 0 ? job.RequestedTarget : "auto")}{(job.Placement?.Chosen is { } p ? $"; placed on {p.Device} as {p.Target}" : "")}");
        }
        if (job.Reason.Length > 0)
        {
            Console.WriteLine($"waiting   {job.Reason}");
        }
        if (job.Placement?.Chosen is { } chosen)
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"placement expected {chosen.TotalSeconds * 1000:0.#} ms on {chosen.Device} ({chosen.Basis}; queue {chosen.QueueSeconds * 1000:0.#} ms, compile {chosen.CompileSeconds * 1000:0.#} ms), best of {job.Placement.Candidates - job.Placement.Rejected} candidates"));
            foreach (var other in job.Placement.RunnersUp)
            {
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"          then {other.Device} {other.Target}: {other.TotalSeconds * 1000:0.#} ms"));
            }
        }
        if (job.State == "succeeded")
        {
            Console.WriteLine($"kernel    {CliOutput.Ms(job.KernelMs)}; wall {CliOutput.Ms(job.Usage.WallMs)}, cpu {CliOutput.Ms(job.Usage.CpuMs)}, peak memory {CliOutput.Bytes(job.Usage.PeakMemoryBytes)}");
        }
        Console.WriteLine($"times     created {Time(job.CreatedUnixMs)}{(job.StartedUnixMs > 0 ? ", started " + Time(job.StartedUnixMs) : "")}{(job.FinishedUnixMs > 0 ? ", finished " + Time(job.FinishedUnixMs) : "")}{(job.Attempts > 1 ? $", {job.Attempts} attempts" : "")}");
    }

    private static string? Iso(long unixMs) => unixMs <= 0 ? null : CliOutput.IsoTime(DateTimeOffset.FromUnixTimeMilliseconds(unixMs));

    private static string? Time(long unixMs) => unixMs <= 0 ? null : CliOutput.LocalTime(DateTimeOffset.FromUnixTimeMilliseconds(unixMs));
}
