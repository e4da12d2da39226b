using LavaAccel.Bench.Results;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace LavaAccel.Web.Pages;

/// <summary>One lava bench report: its runs' tables and its charts.</summary>
public sealed class BenchmarkReportModel(BenchmarkReports reports) : PageModel
{
    public string Name { get; private set; } = "";

    public BenchResults? Results { get; private set; }

    public IReadOnlyList<string> Charts { get; private set; } = [];

    public IActionResult OnGet(string name)
    {
        Name = name;
        Results = reports.Load(name);
        if (Results is null)
        {
            return NotFound();
        }
        Charts = reports.Charts(name);
        return Page();
    }
}
