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
        ["target"] = job.Target,
        ["node"] = job.Node,
        ["error"] = job.Error.Length > 0 ? job.Error : null,
        ["kernel_ms"] = job.KernelMs,
        ["cache_hit"] = job.CacheHit,
        ["attempts"] = job.Attempts,
        ["created"] = Time(job.CreatedUnixMs),
        ["started"] = Time(job.StartedUnixMs),
        ["finished"] = Time(job.FinishedUnixMs),
        ["usage"] = new JsonObject
        {
            ["wall_ms"] = job.Usage?.WallMs ?? 0,
            ["cpu_ms"] = job.Usage?.CpuMs ?? 0,
            ["device_ms"] = job.Usage?.DeviceMs ?? 0,
            ["peak_memory_bytes"] = job.Usage?.PeakMemoryBytes ?? 0,
        },
    };

    public static void Print(Job job)
    {
        Console.WriteLine($"job       {job.Id}  {job.State}{(job.Error.Length > 0 ? ": " + job.Error : "")}");
        Console.WriteLine($"kernel    {job.Kernel} of {job.PackageDigest[..Math.Min(19, job.PackageDigest.Length)]}…  owner {job.Owner}");
        if (job.Target.Length > 0)
        {
            Console.WriteLine($"target    {job.Target} on node {job.Node}{(job.CacheHit ? " (variant cached)" : "")}");
        }
        if (job.State == "succeeded")
        {
            Console.WriteLine($"kernel    {CliOutput.Ms(job.KernelMs)}; wall {CliOutput.Ms(job.Usage.WallMs)}, cpu {CliOutput.Ms(job.Usage.CpuMs)}, peak memory {CliOutput.Bytes(job.Usage.PeakMemoryBytes)}");
        }
        Console.WriteLine($"times     created {Time(job.CreatedUnixMs)}{(job.StartedUnixMs > 0 ? ", started " + Time(job.StartedUnixMs) : "")}{(job.FinishedUnixMs > 0 ? ", finished " + Time(job.FinishedUnixMs) : "")}{(job.Attempts > 1 ? $", {job.Attempts} attempts" : "")}");
    }

    private static string? Time(long unixMs) => unixMs <= 0 ? null : DateTimeOffset.FromUnixTimeMilliseconds(unixMs).ToString("yyyy-MM-dd HH:mm:ss.fff", CultureInfo.InvariantCulture);
}
