using System.Globalization;

namespace LavaAccel.Sandbox;

/// <summary>
/// What a container needs to reach an NVIDIA GPU, found the way the NVIDIA container toolkit
/// finds it: the <c>/dev/nvidia*</c> nodes, their character-device majors (from
/// <c>/proc/devices</c>) for the device cgroup, and the directory of the driver's
/// <c>libcuda.so.1</c> when it is outside <c>/usr</c>.
/// </summary>
public static class GpuDevices
{
    private static readonly string[] LibraryDirectories =
    [
        "/usr/lib/x86_64-linux-gnu", "/usr/lib/aarch64-linux-gnu", "/usr/lib64", "/usr/lib",
        "/usr/local/nvidia/lib64", "/usr/local/cuda/compat", "/lib/x86_64-linux-gnu", "/opt/nvidia/lib64",
    ];

    /// <summary>The NVIDIA device nodes of this host (none without a GPU driver).</summary>
    public static IReadOnlyList<string> Nodes()
    {
        if (!Directory.Exists("/dev"))
        {
            return [];
        }
        var nodes = Directory.EnumerateFiles("/dev", "nvidia*").ToList();
        if (Directory.Exists("/dev/nvidia-caps"))
        {
            nodes.AddRange(Directory.EnumerateFiles("/dev/nvidia-caps"));
        }
        nodes.Sort(StringComparer.Ordinal);
        return nodes;
    }

    /// <summary>The character-device majors the device cgroup must allow for <paramref name="nodes"/> (all NVIDIA drivers' majors).</summary>
    public static IReadOnlyList<long> Majors(IReadOnlyList<string> nodes)
    {
        if (nodes.Count == 0 || !File.Exists("/proc/devices"))
        {
            return [];
        }
        var majors = new List<long>();
        var character = false;
        foreach (var line in File.ReadLines("/proc/devices"))
        {
            if (line.StartsWith("Character", StringComparison.Ordinal) || line.StartsWith("Block", StringComparison.Ordinal))
            {
                character = line.StartsWith("Character", StringComparison.Ordinal);
                continue;
            }
            var parts = line.Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            if (character && parts.Length == 2 && parts[1].StartsWith("nvidia", StringComparison.Ordinal)
                && long.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var major))
            {
                majors.Add(major);
            }
        }
        // 195 is the NVIDIA driver's registered major, listed as nvidia-frontend or nvidia.
        if (!majors.Contains(195))
        {
            majors.Add(195);
        }
        return majors;
    }

    // Where the loader looks without ld.so.cache (containers have no /etc).
    private static readonly string[] LoaderDefaults = ["/usr/lib/x86_64-linux-gnu", "/usr/lib/aarch64-linux-gnu", "/usr/lib64", "/usr/lib", "/lib/x86_64-linux-gnu", "/lib64", "/lib"];

    /// <summary>
    /// The directory holding <c>libcuda.so.1</c> when the loader would not find it by default in a
    /// container (it must be named in LD_LIBRARY_PATH, and bound in when outside /usr), else null.
    /// </summary>
    public static string? DriverLibraryDirectory() =>
        LibraryDirectories.FirstOrDefault(d => File.Exists(Path.Combine(d, "libcuda.so.1"))) is { } directory && !LoaderDefaults.Contains(directory)
            ? directory
            : null;
}
