using LavaAccel.Api.V1;
using LavaAccel.Service.Storage;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace LavaAccel.Web.Pages;

/// <summary>One job: state (live), placement explanation, pending reason, usage, log, outputs to download, cancel.</summary>
public sealed class JobDetailsModel(JobStore jobs) : PageModel
{
    public Job? Job { get; private set; }

    public IReadOnlyList<string> Outputs { get; private set; } = [];

    public string Log { get; private set; } = "";

    public IActionResult OnGet(string id)
    {
        var (caller, admin) = WebDashboard.Caller(User);
        Job = jobs.Get(id, admin ? null : caller);
        if (Job is null)
        {
            return NotFound();
        }
        Outputs = Job.State == "succeeded" ? [.. jobs.Outputs(Job.Id).Select(o => o.Name)] : [];
        Log = jobs.Log(Job.Id);
        return Page();
    }

    public IActionResult OnPostCancel(string id)
    {
        var (caller, admin) = WebDashboard.Caller(User);
        if (jobs.Get(id, admin ? null : caller) is null)
        {
            return NotFound();
        }
        jobs.Cancel(id, admin ? null : caller);
        return RedirectToPage(new { id });
    }
}
