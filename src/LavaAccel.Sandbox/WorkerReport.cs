using System.Text.Json;

namespace LavaAccel.Sandbox;

/// <summary>The worker's one-line JSON report (runtime/runner/report.h).</summary>
public sealed class WorkerReport
{
    private WorkerReport(JsonElement root, string status)
    {
        Root = root;
        Status = status;
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
        Root.TryGetProperty("usage", out var u) && u.ValueKind == JsonValueKind.Object
            ? (Field(u, "user_us") / 1000, Field(u, "sys_us") / 1000, (long)Field(u, "max_rss_kb") * 1024)
            : null;

    /// <summary>Kernel times of a successful run.</summary>
    public double[] KernelMs => Root.TryGetProperty("kernel_ms", out var k) && k.ValueKind == JsonValueKind.Array
        ? k.EnumerateArray().Where(e => e.ValueKind == JsonValueKind.Number).Select(e => e.GetDouble()).ToArray()
        : [];

    private static double Field(JsonElement o, string name) =>
        o.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number ? v.GetDouble() : 0;

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
            var root = document.RootElement;
            return root.ValueKind == JsonValueKind.Object && root.TryGetProperty("status", out var status) && status.ValueKind == JsonValueKind.String
                ? new WorkerReport(root.Clone(), status.GetString() ?? "")
                : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
