using System.Text.Json.Nodes;
using LavaAccel.Api.V1;
using LavaAccel.Service.Storage;
using LavaAccel.Web.Live;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace LavaAccel.Web.Pages;

/// <summary>The cluster: nodes with live state, the queue by target, and why queued jobs wait.</summary>
public sealed class ClusterModel(LiveFeeds feeds, JobStore jobs) : PageModel
{
    public IReadOnlyList<JsonNode?> Nodes { get; private set; } = [];

    public IReadOnlyList<JsonNode?> Devices { get; private set; } = [];

    public IReadOnlyList<(string State, string Target, long Count)> Queue { get; private set; } = [];

    public IReadOnlyList<Job> Waiting { get; private set; } = [];

    public void OnGet()
    {
        var (caller, admin) = WebDashboard.Caller(User);
        Nodes = [.. feeds.Nodes()];
        Devices = [.. feeds.Devices()];
        Queue = jobs.CountsByTarget();
        Waiting = [.. jobs.List(admin ? null : caller, "queued", 10)];
    }
}
