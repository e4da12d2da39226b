using LavaAccel.Service.Storage;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace LavaAccel.Web.Pages;

/// <summary>Usage per user (a user sees their own; admins everyone's) with quotas and what is left, and device time per day.</summary>
public sealed class UsageModel(UserStore users, JobStore jobs) : PageModel
{
    public IReadOnlyList<UserSummary> Users { get; private set; } = [];

    public string? Chart { get; private set; }

    public string? DeviceChart { get; private set; }

    public void OnGet()
    {
        var (caller, admin) = WebDashboard.Caller(User);
        Users = admin ? users.List() : [.. users.List().Where(u => u.Account.Name == caller)];
        var daily = jobs.DailyUsage(admin ? null : caller, 14);
        Chart = daily.Count == 0 ? null : UsageChart.DataUri(daily, "device seconds per user");
        var byDevice = jobs.DailyUsage(admin ? null : caller, 14, byDevice: true);
        DeviceChart = byDevice.Count == 0 ? null : UsageChart.DataUri(byDevice, "device seconds per device");
    }
}
