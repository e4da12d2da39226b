using LavaAccel.Backends;
using LavaAccel.Cache;
using LavaAccel.Service.Storage;
using LavaAccel.Web.Live;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace LavaAccel.Web.Pages;

/// <summary>The controller's variant cache: variants by target, size, hit rate of ended jobs; precompiling a package.</summary>
public sealed class CacheModel(VariantCache cache, JobStore jobs, PackageStore packages) : PageModel
{
    public CacheStats Stats { get; private set; } = null!;

    public IReadOnlyList<(string Target, int Variants, long Bytes, long Jobs, long Hits)> Rows { get; private set; } = [];

    public IReadOnlyList<(string Digest, string Name, long Size, long StoredMs)> Packages { get; private set; } = [];

    public IReadOnlyList<string> Targets { get; } = [.. BackendRegistry.AllTargets.Select(t => t.ToString())];

    public List<(string Target, string Outcome)> Results { get; } = [];

    public void OnGet() => Load();

    public IActionResult OnPost([FromForm] string digest, [FromForm] string[] targets)
    {
        var (caller, admin) = WebDashboard.Caller(User);
        if (!admin && !packages.Visible(digest, caller))
        {
            return NotFound();
        }
        var package = packages.Load(digest);
        foreach (var name in targets.Take(32))
        {
            try
            {
                var target = TargetId.Parse(name);
                if (!BackendRegistry.For(target).Accepts(package))
                {
                    Results.Add((name, $"not for this package's kind of kernels ({(package.IsIlgpu ? "C#" : "OpenCL C")})"));
                    continue;
                }
                var variant = cache.GetOrCompile(package, target);
                Results.Add((name, $"{(variant.Hit ? "already cached" : "compiled")} ({JobView.Bytes(variant.Entry.Size)}, {variant.Key[..19]})"));
            }
            catch (LavaException e)
            {
                Results.Add((name, "failed: " + e.Message));
            }
        }
        Load();
        return Page();
    }

    private void Load()
    {
        var (caller, admin) = WebDashboard.Caller(User);
        Stats = cache.Stats();
        var entries = cache.List();
        var hits = jobs.CacheHits().ToDictionary(h => h.Target, h => (h.Jobs, h.Hits));
        Rows = [.. Stats.ByTarget.Keys.Union(hits.Keys).Order(StringComparer.Ordinal).Select(t =>
        {
            var (ended, hit) = hits.GetValueOrDefault(t);
            return (t, Stats.ByTarget.GetValueOrDefault(t), entries.Where(e => e.Target == t).Sum(e => e.Size), ended, hit);
        })];
        Packages = packages.List(admin ? null : caller);
    }
}
