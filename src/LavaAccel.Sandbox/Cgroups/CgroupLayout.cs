namespace LavaAccel.Sandbox.Cgroups;

/// <summary>
/// Where this host's cgroup controllers are mounted: one unified (v2) hierarchy, or one v1
/// hierarchy per controller (hybrid hosts such as this one mount an empty v2 tree beside them).
/// Read from <c>/proc/self/mountinfo</c>.
/// </summary>
public sealed class CgroupLayout
{
    private readonly Dictionary<string, string> _v1 = new(StringComparer.Ordinal);

    private CgroupLayout(int version, string? unified)
    {
        Version = version;
        Unified = unified;
    }

    /// <summary>1 or 2.</summary>
    public int Version { get; }

    /// <summary>The v2 mount point (v2 hosts).</summary>
    public string? Unified { get; }

    /// <summary>This host's layout (read once).</summary>
    public static CgroupLayout Host => Lazy.Value;

    private static readonly Lazy<CgroupLayout> Lazy = new(() => Parse(File.ReadAllLines("/proc/self/mountinfo")));

    /// <summary>The directory of <paramref name="controller"/> for cgroup <paramref name="path"/> (e.g. <c>/lava/x</c>).</summary>
    public string? Directory(string controller, string path)
    {
        var relative = path.TrimStart('/');
        if (Version == 2)
        {
            return Unified is null ? null : Path.Combine(Unified, relative);
        }
        return _v1.TryGetValue(controller, out var mount) ? Path.Combine(mount, relative) : null;
    }

    /// <summary>Parses mountinfo lines.</summary>
    internal static CgroupLayout Parse(IEnumerable<string> mountinfo)
    {
        string? unified = null;
        var v1 = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var line in mountinfo)
        {
            var separator = line.IndexOf(" - ", StringComparison.Ordinal);
            if (separator < 0)
            {
                continue;
            }
            var fields = line[..separator].Split(' ');
            var tail = line[(separator + 3)..].Split(' ');
            if (fields.Length < 5 || tail.Length < 3)
            {
                continue;
            }
            var mountPoint = fields[4];
            if (tail[0] == "cgroup2")
            {
                unified ??= mountPoint;
            }
            else if (tail[0] == "cgroup")
            {
                foreach (var option in tail[2].Split(','))
                {
                    if (option is "memory" or "cpu" or "cpuacct" or "pids")
                    {
                        v1.TryAdd(option, mountPoint);
                    }
                }
            }
        }
        var layout = v1.ContainsKey("memory")
            ? new CgroupLayout(1, unified)
            : new CgroupLayout(2, unified);
        foreach (var (controller, mount) in v1)
        {
            layout._v1[controller] = mount;
        }
        return layout;
    }
}
