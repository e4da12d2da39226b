using System.Text.Json;

namespace LavaAccel.Sandbox;

/// <summary>The worker's one-line JSON report (runtime/runner/report.h).</summary>
public sealed class WorkerReport
{
    private WorkerReport(JsonElement root)
    {
        Root = root;
        Status = root.GetProperty("status").GetString() ?? "";
    }

    /// <summary>ok, error, signal, forbidden or timeout.</summary>
    public string Status { get; }

    /// <summary>The whole report.</summary>
    public JsonElement Root { get; }

    /// <summary>A string field, or null.</summary>
    public string? Text(string name) => Root.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    /// <summary>A number field, or null.</summary>
    public double? Number(string name) => Root.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number ? v.GetDouble() : null;

    /// <summary>The worker's own rusage: user µs, system µs, max RSS in KiB.</summary>
    public (double UserMs, double SystemMs, long MaxRssBytes)? Usage =>
        Root.TryGetProperty("usage", out var u)
            ? (u.GetProperty("user_us").GetDouble() / 1000, u.GetProperty("sys_us").GetDouble() / 1000, u.GetProperty("max_rss_kb").GetInt64() * 1024)
            : null;

    /// <summary>Kernel times of a successful run.</summary>
    public double[] KernelMs => Root.TryGetProperty("kernel_ms", out var k) ? k.EnumerateArray().Select(e => e.GetDouble()).ToArray() : [];

    /// <summary>Parses the last JSON line of <paramref name="stdout"/>; null when there is none.</summary>
    public static WorkerReport? Parse(string stdout)
    {
        var line = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .LastOrDefault(l => l.StartsWith('{'));
        if (line is null)
        {
            return null;
        }
        try
        {
            using var document = JsonDocument.Parse(line);
            return document.RootElement.TryGetProperty("status", out _) ? new WorkerReport(document.RootElement.Clone()) : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
