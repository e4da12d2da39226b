using System.Globalization;

namespace LavaAccel.Sandbox.Cgroups;

/// <summary>What a container's cgroup measured: CPU time, peak memory, OOM kills, refused forks.</summary>
/// <param name="UserMs">User CPU time of every process and thread in the cgroup.</param>
/// <param name="SystemMs">System CPU time.</param>
/// <param name="PeakMemoryBytes">Peak memory charged (anonymous memory and page cache).</param>
/// <param name="OomKills">Processes the OOM killer ended in this cgroup.</param>
/// <param name="PidsRefused">Forks or thread creations refused by the pids limit.</param>
public sealed record CgroupUsage(double UserMs, double SystemMs, long PeakMemoryBytes, long OomKills, long PidsRefused)
{
    /// <summary>
    /// This reading minus an earlier one (<paramref name="baseline"/>): what happened in between.
    /// The peak stays as read (it is reset at the baseline where the kernel allows it).
    /// </summary>
    public CgroupUsage Since(CgroupUsage baseline) => new(
        Math.Max(0, UserMs - baseline.UserMs),
        Math.Max(0, SystemMs - baseline.SystemMs),
        PeakMemoryBytes,
        Math.Max(0, OomKills - baseline.OomKills),
        Math.Max(0, PidsRefused - baseline.PidsRefused));

    /// <summary>
    /// Restarts the peak-memory count of cgroup <paramref name="path"/> (v1: memory.max_usage_in_bytes
    /// accepts 0). v2's memory.peak resets only per open file, so there the peak includes the
    /// container's start.
    /// </summary>
    public static void ResetPeak(CgroupLayout layout, string path)
    {
        if (layout.Version == 1 && layout.Directory("memory", path) is { } memory)
        {
            try
            {
                File.WriteAllText(Path.Combine(memory, "memory.max_usage_in_bytes"), "0");
            }
            catch (IOException)
            {
            }
            catch (UnauthorizedAccessException)
            {
            }
        }
    }

    /// <summary>Reads cgroup <paramref name="path"/> under <paramref name="layout"/>; null if it is gone.</summary>
    public static CgroupUsage? Read(CgroupLayout layout, string path) =>
        layout.Version == 2 ? ReadV2(layout, path) : ReadV1(layout, path);

    private static CgroupUsage? ReadV1(CgroupLayout layout, string path)
    {
        var memory = layout.Directory("memory", path);
        if (memory is null || !Directory.Exists(memory))
        {
            return null;
        }
        var cpu = layout.Directory("cpuacct", path);
        var pids = layout.Directory("pids", path);
        return new CgroupUsage(
            Number(cpu, "cpuacct.usage_user") / 1e6,
            Number(cpu, "cpuacct.usage_sys") / 1e6,
            (long)Number(memory, "memory.max_usage_in_bytes"),
            (long)Field(memory, "memory.oom_control", "oom_kill"),
            (long)Field(pids, "pids.events", "max"));
    }

    private static CgroupUsage? ReadV2(CgroupLayout layout, string path)
    {
        var directory = layout.Directory("memory", path);
        if (directory is null || !Directory.Exists(directory))
        {
            return null;
        }
        return new CgroupUsage(
            Field(directory, "cpu.stat", "user_usec") / 1e3,
            Field(directory, "cpu.stat", "system_usec") / 1e3,
            (long)Number(directory, "memory.peak"),
            (long)Field(directory, "memory.events", "oom_kill"),
            (long)Field(directory, "pids.events", "max"));
    }

    private static double Number(string? directory, string file)
    {
        var text = ReadText(directory, file);
        return text is not null && double.TryParse(text.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out var value) ? value : 0;
    }

    /// <summary>The value of a <c>key value</c> line in a flat-keyed cgroup file.</summary>
    private static double Field(string? directory, string file, string key)
    {
        var text = ReadText(directory, file);
        if (text is null)
        {
            return 0;
        }
        foreach (var line in text.Split('\n'))
        {
            var parts = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (parts.Length == 2 && parts[0] == key && double.TryParse(parts[1], NumberStyles.Float, CultureInfo.InvariantCulture, out var value))
            {
                return value;
            }
        }
        return 0;
    }

    private static string? ReadText(string? directory, string file)
    {
        if (directory is null)
        {
            return null;
        }
        try
        {
            return File.ReadAllText(Path.Combine(directory, file));
        }
        catch (IOException)
        {
            return null;
        }
        catch (UnauthorizedAccessException)
        {
            return null;
        }
    }
}
