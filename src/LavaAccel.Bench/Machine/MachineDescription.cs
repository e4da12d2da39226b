using System.Diagnostics;
using System.Reflection;
using LavaAccel.Devices;
using LavaAccel.Devices.Discovery;

namespace LavaAccel.Bench.Machine;

/// <summary>What produced a set of results: the machine, its software, lava's version and commit, and when.</summary>
/// <param name="Host">Host name.</param>
/// <param name="Cpu">CPU model as /proc/cpuinfo names it.</param>
/// <param name="LogicalCores">Logical CPUs lava may use.</param>
/// <param name="MemoryGib">Installed memory.</param>
/// <param name="Caches">Cache sizes from sysfs.</param>
/// <param name="BandwidthGbs">Memory bandwidth measured in this run (b += s·c, bytes counted as kernels count them) (same threads as the kernels, beyond the caches).</param>
/// <param name="BandwidthThreads">Threads of the bandwidth measurement.</param>
/// <param name="Os">Operating system (os-release PRETTY_NAME) and kernel.</param>
/// <param name="Llvm">LLVM version lava compiles with.</param>
/// <param name="Pocl">PoCL version (the OpenCL peer), or "absent".</param>
/// <param name="Lava">lava's version and commit.</param>
/// <param name="Date">When the run started (UTC, ISO 8601).</param>
public sealed record MachineDescription(
    string Host, string Cpu, int LogicalCores, double MemoryGib, string Caches, double BandwidthGbs, int BandwidthThreads,
    string Os, string Llvm, string Pocl, string Lava, string Date)
{
    /// <summary>Describes this machine; measures its bandwidth with <paramref name="threads"/> threads.</summary>
    public static MachineDescription Describe(DeviceProfile cpu, int threads, DateTimeOffset started)
    {
        var lastLevel = CpuDiscovery.LastLevelCacheBytes();
        // Each thread's two arrays hold together at least 8× the last-level cache (and 128 MiB):
        // nothing of it can be served from a cache.
        var perArray = (int)Math.Min(int.MaxValue / 2, Math.Max(64L << 20, 4 * lastLevel / Math.Max(1, threads)));
        return new MachineDescription(
            Environment.MachineName,
            cpu.Model,
            Environment.ProcessorCount,
            cpu.Memory?.SizeGib ?? 0,
            CpuDiscovery.Caches(),
            Math.Round(BandwidthProbe.MeasureUpdate(threads, perArray), 2),
            threads,
            OperatingSystem(),
            PackageVersion("llvm-19") ?? "19",
            PackageVersion("libpocl2") ?? PackageVersion("pocl-opencl-icd") ?? "absent",
            LavaVersion(),
            started.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture));
    }

    /// <summary>A short label for charts and tables: host and CPU.</summary>
    public string Label => $"{Host} ({Cpu})";

    /// <summary>lava's informational version, with the commit it was built from.</summary>
    public static string LavaVersion() =>
        typeof(MachineDescription).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "unknown";

    private static string OperatingSystem()
    {
        var pretty = File.Exists("/etc/os-release")
            ? File.ReadLines("/etc/os-release").FirstOrDefault(l => l.StartsWith("PRETTY_NAME=", StringComparison.Ordinal))?["PRETTY_NAME=".Length..].Trim('"')
            : null;
        var kernel = File.Exists("/proc/sys/kernel/osrelease") ? File.ReadAllText("/proc/sys/kernel/osrelease").Trim() : "";
        return $"{pretty ?? "Linux"}, kernel {kernel}".TrimEnd(' ', ',');
    }

    // The Debian package's version (dpkg is what installed them here); null when not installed.
    private static string? PackageVersion(string package)
    {
        try
        {
            using var process = Process.Start(new ProcessStartInfo("dpkg-query", ["-W", "-f=${Version}", package]) { RedirectStandardOutput = true, RedirectStandardError = true });
            if (process is null)
            {
                return null;
            }
            var output = process.StandardOutput.ReadToEnd().Trim();
            process.WaitForExit();
            return process.ExitCode == 0 && output.Length > 0 ? output : null;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return null;
        }
    }
}
