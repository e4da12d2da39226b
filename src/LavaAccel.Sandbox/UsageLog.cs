using System.Text;
using System.Text.Json;

namespace LavaAccel.Sandbox;

/// <summary>
/// The node's usage log: one JSON object per job, appended to <c>usage.jsonl</c> (one write per
/// record, opened in append mode, so concurrent writers do not interleave lines).
/// </summary>
public sealed class UsageLog(string path)
{
    /// <summary>The log file.</summary>
    public string Path { get; } = path;

    /// <summary>The log under a LAVA_HOME.</summary>
    public static string PathIn(string lavaHome) => System.IO.Path.Combine(lavaHome, "usage.jsonl");

    /// <summary>Appends <paramref name="record"/> with the job's kernel and target.</summary>
    public void Append(UsageRecord record, string kernel, string target, string user)
    {
        var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("time", DateTimeOffset.UtcNow);
            json.WriteString("job", record.JobId);
            json.WriteString("user", user);
            json.WriteString("kernel", kernel);
            json.WriteString("target", target);
            json.WriteString("sandbox", record.Sandbox);
            json.WriteString("exit", record.Exit.Name());
            json.WriteNumber("wall_ms", Math.Round(record.WallMs, 3));
            json.WriteNumber("user_cpu_ms", Math.Round(record.UserCpuMs, 3));
            json.WriteNumber("system_cpu_ms", Math.Round(record.SystemCpuMs, 3));
            json.WriteNumber("peak_memory_bytes", record.PeakMemoryBytes);
            json.WriteString("source", record.Source);
            json.WriteEndObject();
        }
        buffer.WriteByte((byte)'\n');
        System.IO.Directory.CreateDirectory(System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(Path))!);
        using var file = new FileStream(Path, FileMode.Append, FileAccess.Write, FileShare.ReadWrite | FileShare.Delete);
        file.Write(buffer.GetBuffer(), 0, (int)buffer.Length);
    }

    /// <summary>Every record in the log (lines that do not parse are skipped).</summary>
    public IEnumerable<JsonElement> Read()
    {
        if (!File.Exists(Path))
        {
            yield break;
        }
        foreach (var line in File.ReadLines(Path, Encoding.UTF8))
        {
            JsonElement element;
            try
            {
                using var document = JsonDocument.Parse(line);
                element = document.RootElement.Clone();
            }
            catch (JsonException)
            {
                continue;
            }
            yield return element;
        }
    }
}
