using System.Globalization;
using LavaAccel.Api.V1;
using LavaAccel.Sandbox;
using LavaAccel.Service.Compute;
using LavaAccel.Service.Storage;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace LavaAccel.Web.Pages;

/// <summary>Users, quotas, tokens and node drain: what <c>lava users</c> and <c>lava node drain</c> do, in the browser.</summary>
public sealed class AdminModel(UserStore users, JobStore jobs, NodeDirectory nodes) : PageModel
{
    public IReadOnlyList<UserSummary> Users { get; private set; } = [];

    public IReadOnlyList<NodeStatus> Nodes { get; private set; } = [];

    public string? Message { get; private set; }

    public string? NewToken { get; private set; }

    public string? NewTokenUser { get; private set; }

    public void OnGet() => Load();

    public IActionResult OnPostAdd(string name, bool admin, string? maxJobs, string? maxMemory, string? maxSeconds) => Act(() =>
    {
        var (jobs, memory, seconds) = Quotas(maxJobs, maxMemory, maxSeconds);
        NewToken = users.Add(new UserAccount(name, admin, jobs, memory, seconds));
        NewTokenUser = name;
        return $"user '{name}' added";
    });

    public IActionResult OnPostQuota(string name, string? maxJobs, string? maxMemory, string? maxSeconds) => Act(() =>
    {
        var (jobs, memory, seconds) = Quotas(maxJobs, maxMemory, maxSeconds);
        _ = users.SetQuota(name, (jobs, jobs is null), (memory, memory is null), (seconds, seconds is null)) ?? throw new LavaException($"no user '{name}'");
        return $"quotas of '{name}' saved";
    });

    public IActionResult OnPostRotate(string name) => Act(() =>
    {
        NewToken = users.RotateToken(name) ?? throw new LavaException($"no user '{name}'");
        NewTokenUser = name;
        return $"'{name}' has a new token; the old one is refused from now on";
    });

    public IActionResult OnPostRemove(string name) => Act(() =>
    {
        if (name == User.Identity?.Name)
        {
            throw new LavaException("you cannot remove yourself (another admin can)");
        }
        if (users.Get(name) is null)
        {
            throw new LavaException($"no user '{name}'");
        }
        var cancelled = jobs.CancelAll(name);
        users.Remove(name);
        return $"user '{name}' removed; {cancelled} job(s) cancelled";
    });

    public IActionResult OnPostDrain(string node) => Act(() =>
        nodes.Drain(node) is { } status ? $"node {status.Name} drained: it finishes its {status.RunningJobs} running job(s) and takes nothing new" : throw new LavaException($"no node '{node}'"));

    public IActionResult OnPostResume(string node) => Act(() =>
        nodes.Resume(node) is { } status ? $"node {status.Name} takes jobs again" : throw new LavaException($"no node '{node}'"));

    private IActionResult Act(Func<string> action)
    {
        try
        {
            Message = action();
        }
        catch (LavaException e)
        {
            Message = "error: " + e.Message;
            Response.StatusCode = StatusCodes.Status400BadRequest;
        }
        Load();
        return Page();
    }

    // Empty fields are no limit; the values are checked as the admin API checks them.
    private static (long? Jobs, long? Memory, double? Seconds) Quotas(string? maxJobs, string? maxMemory, string? maxSeconds)
    {
        long? jobs = string.IsNullOrWhiteSpace(maxJobs) ? null
            : long.TryParse(maxJobs, NumberStyles.Integer, CultureInfo.InvariantCulture, out var j) ? j : throw new LavaException($"max jobs '{maxJobs}' is not a number");
        long? memory = string.IsNullOrWhiteSpace(maxMemory) ? null : SandboxLimits.ParseSize(maxMemory.Trim());
        double? seconds = string.IsNullOrWhiteSpace(maxSeconds) ? null
            : double.TryParse(maxSeconds, NumberStyles.Float, CultureInfo.InvariantCulture, out var s) ? s : throw new LavaException($"max device seconds '{maxSeconds}' is not a number");
        UserAccount.CheckQuotas(jobs, memory, seconds);
        return (jobs, memory, seconds);
    }

    private void Load()
    {
        Users = users.List();
        Nodes = nodes.List();
    }
}
