using System.Security.Claims;
using System.Text.Json.Nodes;
using LavaAccel.Service.Compute;
using LavaAccel.Service.Storage;
using Microsoft.AspNetCore.Http;

namespace LavaAccel.Web.Live;

/// <summary>
/// Server-sent events behind the live tables: <c>cluster</c> (the nodes), <c>jobs</c> (the jobs
/// table with the page's filters) and <c>job</c> (one job). A snapshot is sent when it changes — on
/// a job or node change, at least every second — and the stream ends when the session's token
/// stops being valid.
/// </summary>
public sealed class LiveFeeds(NodeDirectory nodes, NodeStore nodeStore, JobStore jobs, UserStore users, DeviceCatalog devices)
{
    /// <summary>Streams <paramref name="feed"/> to the caller until they leave.</summary>
    public async Task StreamAsync(string feed, HttpContext context)
    {
        var (caller, admin) = WebDashboard.Caller(context.User);
        var query = context.Request.Query;
        Func<JsonNode?> snapshot = feed switch
        {
            "cluster" when admin => () => Cluster(),
            "jobs" => () => Jobs(admin ? Filter(query["user"], null) : caller, Filter(query["state"], null), Filter(query["target"], null), Filter(query["node"], null)),
            "job" => () => jobs.Get(query["id"].ToString(), admin ? null : caller) is { } job ? JobDetail(job) : null,
            _ => () => null,
        };
        if (snapshot() is null)
        {
            context.Response.StatusCode = StatusCodes.Status404NotFound;
            return;
        }
        context.Response.ContentType = "text/event-stream";
        context.Response.Headers.CacheControl = "no-cache";
        var hash = context.User.FindFirstValue(WebDashboard.TokenClaim);
        var cancellation = context.RequestAborted;
        string? last = null;
        try
        {
            while (!cancellation.IsCancellationRequested && hash is not null && users.ByTokenHash(hash) is not null)
            {
                var text = snapshot()?.ToJsonString() ?? "null";
                if (text != last)
                {
                    await context.Response.WriteAsync($"data: {text}\n\n", cancellation).ConfigureAwait(false);
                    await context.Response.Body.FlushAsync(cancellation).ConfigureAwait(false);
                    last = text;
                }
                await Task.WhenAny(jobs.Changed.Next, nodeStore.Changed.Next, Task.Delay(TimeSpan.FromSeconds(1), cancellation)).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException)
        {
            // The browser went away.
        }
    }

    /// <summary>The cluster page's tables: nodes and devices.</summary>
    public JsonObject Cluster() => new() { ["nodes"] = Nodes(), ["devices"] = Devices() };

    /// <summary>Every device of every live node with its live state (the DeviceService view).</summary>
    public JsonArray Devices() => new([.. devices.Snapshot.Devices.Select(d => (JsonNode?)new JsonObject
    {
        ["id"] = d.Id,
        ["kind"] = d.Kind,
        ["model"] = d.Model,
        ["state"] = d.State?.Online == false ? "offline" : "online",
        ["running"] = d.State?.RunningJobs ?? 0,
        ["queued"] = d.State?.QueuedJobs ?? 0,
        ["memory"] = JobView.Bytes(d.State?.FreeMemoryBytes ?? 0),
        ["cached"] = d.State?.CachedVariants ?? 0,
        ["targets"] = string.Join(", ", d.Targets),
    })]);

    /// <summary>The nodes as the cluster page shows them.</summary>
    public JsonArray Nodes() => new([.. nodes.List().Select(n => (JsonNode?)new JsonObject
    {
        ["name"] = n.Name + (n.Embedded ? " (embedded)" : ""),
        ["state"] = n.State,
        ["heartbeat"] = n.Embedded ? "this process" : $"{n.HeartbeatAgeMs / 1000.0:0.0} s ago",
        ["running"] = n.RunningJobs,
        ["queued"] = n.QueuedJobs,
        ["workers"] = n.Workers,
        ["memory"] = JobView.Bytes(n.FreeMemoryBytes),
        ["devices"] = string.Join("; ", n.Devices),
    })]);

    /// <summary>The jobs table: <paramref name="owner"/>'s (everyone's when null), newest first, filtered.</summary>
    public JsonArray Jobs(string? owner, string? state, string? target, string? node)
    {
        var page = jobs.Page(owner, state, null, null, 200, null).Jobs
            .Where(j => target is null || JobView.Target(j) == target)
            .Where(j => node is null || JobView.Node(j) == node);
        return new JsonArray([.. page.Select(j => (JsonNode?)JobView.Row(j))]);
    }

    private JsonObject JobDetail(LavaAccel.Api.V1.Job job)
    {
        var row = JobView.Row(job);
        row["started"] = JobView.Time(job.StartedUnixMs);
        row["finished"] = JobView.Time(job.FinishedUnixMs);
        row["outputs"] = job.State == "succeeded" ? new JsonArray([.. jobs.Outputs(job.Id).Select(o => (JsonNode?)o.Name)]) : new JsonArray();
        return row;
    }

    private static string? Filter(Microsoft.Extensions.Primitives.StringValues value, string? fallback) =>
        value.ToString() is { Length: > 0 } text ? text : fallback;
}
