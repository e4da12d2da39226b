using Microsoft.AspNetCore.Mvc.RazorPages;

namespace LavaAccel.Web.Pages;

/// <summary>The lava bench reports in the benchmarks directory.</summary>
public sealed class BenchmarksModel(BenchmarkReports reports) : PageModel
{
    public string Root => reports.Root;

    public IReadOnlyList<(string Name, string Kernels, string Machines, string Date, int Targets)> Reports { get; private set; } = [];

    public void OnGet() => Reports = [.. reports.List().Select(name => reports.Load(name) is { } results
        ? (name, string.Join(", ", results.Runs.SelectMany(r => r.Records).Select(r => r.Kernel).Distinct()),
            string.Join(", ", results.Runs.Select(r => r.Machine.Label).Distinct()),
            results.Runs.Select(r => r.Machine.Date).Max() ?? "", results.Runs.Sum(r => r.Records.Count))
        : (name, "(unreadable results.json)", "", "", 0))];
}
