using LavaAccel.Bench.Results;
using Microsoft.AspNetCore.Http;

namespace LavaAccel.Web;

/// <summary>
/// The <c>lava bench</c> reports the dashboard shows: every subdirectory of one directory (lava
/// serve's <c>--benchmarks</c>, default LAVA_HOME/benchmarks) that holds a results.json.
/// </summary>
/// <param name="root">The directory.</param>
public sealed class BenchmarkReports(string root)
{
    /// <summary>The directory reports are read from.</summary>
    public string Root { get; } = root;

    /// <summary>Report names (directory names), newest first.</summary>
    public IReadOnlyList<string> List() => Directory.Exists(Root)
        ? [.. new DirectoryInfo(Root).GetDirectories().Where(d => File.Exists(Path.Combine(d.FullName, "results.json"))).OrderByDescending(d => d.LastWriteTimeUtc).Select(d => d.Name)]
        : [];

    /// <summary>A report's results, or null when there is no such report (or it is not readable).</summary>
    public BenchResults? Load(string name)
    {
        if (!Valid(name) || !List().Contains(name))
        {
            return null;
        }
        try
        {
            return BenchResults.Load(Path.Combine(Root, name, "results.json"));
        }
        catch (LavaException)
        {
            return null;
        }
    }

    /// <summary>The charts of a report (PNG names).</summary>
    public IReadOnlyList<string> Charts(string name) => Valid(name) && Directory.Exists(Path.Combine(Root, name))
        ? [.. Directory.GetFiles(Path.Combine(Root, name), "*.png").Select(Path.GetFileName).Order(StringComparer.Ordinal)!]
        : [];

    /// <summary>One file of a report: a chart or its data; names are checked, links are not followed.</summary>
    public IResult Serve(string report, string file)
    {
        var type = Path.GetExtension(file) switch
        {
            ".png" => "image/png",
            ".svg" => "image/svg+xml",
            ".csv" => "text/csv",
            ".json" => "application/json",
            ".md" => "text/markdown; charset=utf-8",
            _ => null,
        };
        if (type is null || !Valid(report) || !Valid(file))
        {
            return Results.NotFound();
        }
        var path = Path.Combine(Root, report, file);
        var info = new FileInfo(path);
        if (!info.Exists || info.LinkTarget is not null || new DirectoryInfo(Path.Combine(Root, report)).LinkTarget is not null)
        {
            return Results.NotFound();
        }
        return Results.File(path, type);
    }

    private static bool Valid(string name) =>
        name.Length is > 0 and <= 200 && name != "." && name != ".." && name.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.');
}
