using System.Globalization;
using System.Text.Json.Nodes;
using LavaAccel.Api.V1;

namespace LavaAccel.Web.Live;

/// <summary>How a job reads on the dashboard: the same words in the pages and in their live updates.</summary>
public static class JobView
{
    /// <summary>The target it runs (or will run) on.</summary>
    public static string Target(Job job) => job.Target.Length > 0 ? job.Target : job.Placement?.Chosen?.Target is { Length: > 0 } placed ? placed : job.RequestedTarget.Length > 0 ? job.RequestedTarget : "auto";

    /// <summary>The node it runs (or is placed) on.</summary>
    public static string Node(Job job) => job.Node.Length > 0 ? job.Node : job.Placement?.Chosen?.Node ?? "";

    /// <summary>A time for people (UTC).</summary>
    public static string Time(long unixMs) => unixMs <= 0 ? "" : DateTimeOffset.FromUnixTimeMilliseconds(unixMs).UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture);

    /// <summary>Milliseconds for people.</summary>
    public static string Ms(double ms) => ms <= 0 ? "" : ms >= 1000 ? string.Create(CultureInfo.InvariantCulture, $"{ms / 1000:0.00} s") : string.Create(CultureInfo.InvariantCulture, $"{ms:0.###} ms");

    /// <summary>Bytes for people.</summary>
    public static string Bytes(long bytes) => bytes >= 1 << 30 ? string.Create(CultureInfo.InvariantCulture, $"{bytes / (double)(1 << 30):0.0} GiB")
        : bytes >= 1 << 20 ? string.Create(CultureInfo.InvariantCulture, $"{bytes / 1048576.0:0.0} MiB")
        : bytes >= 1024 ? string.Create(CultureInfo.InvariantCulture, $"{bytes / 1024.0:0.0} KiB") : $"{bytes} B";

    /// <summary>A row of the jobs table, for the live feed.</summary>
    public static JsonObject Row(Job job) => new()
    {
        ["id"] = job.Id,
        ["state"] = job.State,
        ["owner"] = job.Owner,
        ["kernel"] = job.Kernel,
        ["target"] = Target(job),
        ["node"] = Node(job),
        ["created"] = Time(job.CreatedUnixMs),
        ["kernel_time"] = job.State == "succeeded" ? Ms(job.KernelMs) : "",
        ["why"] = job.State == "queued" ? job.Reason : job.Error,
    };
}
