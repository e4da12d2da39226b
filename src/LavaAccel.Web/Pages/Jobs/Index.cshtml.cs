using System.Text.Json.Nodes;
using LavaAccel.Web.Live;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace LavaAccel.Web.Pages;

/// <summary>The queue with filters: a user's own jobs; for admins every user's (or one user's).</summary>
public sealed class JobsModel(LiveFeeds feeds) : PageModel
{
    [BindProperty(SupportsGet = true)]
    public string? State { get; set; }

    [BindProperty(SupportsGet = true, Name = "user")]
    public string? UserFilter { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? Target { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? Node { get; set; }

    public IReadOnlyList<JsonNode?> Rows { get; private set; } = [];

    public void OnGet()
    {
        var (caller, admin) = WebDashboard.Caller(User);
        Rows = [.. feeds.Jobs(admin ? Blank(UserFilter) : caller, Blank(State), Blank(Target), Blank(Node))];
    }

    private static string? Blank(string? text) => string.IsNullOrWhiteSpace(text) ? null : text.Trim();
}
