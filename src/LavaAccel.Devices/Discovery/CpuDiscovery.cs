using System.Globalization;
using System.Runtime.InteropServices;
using LavaAccel.Backends.Cpu;

namespace LavaAccel.Devices.Discovery;

/// <summary>This machine's CPU from /proc/cpuinfo, /proc/meminfo and sysfs, as a device profile.</summary>
public static class CpuDiscovery
{
    private static readonly string[] InterestingFlags =
        ["sse4_2", "popcnt", "avx", "avx2", "fma", "bmi2", "f16c", "avx512f", "avx512bw", "avx512cd", "avx512dq", "avx512vl", "avx512_bf16", "avx512_vnni", "sve", "sve2", "asimd", "fphp", "atomics"];

    /// <summary>Discovers the CPU; <paramref name="bandwidthGbs"/> comes from the probe (0 to skip).</summary>
    public static DeviceProfile Discover(double bandwidthGbs)
    {
        var info = ReadCpuInfo();
        var arch = RuntimeInformation.OSArchitecture == Architecture.Arm64 ? "aarch64" : "x86_64";
        var flags = (info.GetValueOrDefault("flags") ?? info.GetValueOrDefault("Features") ?? "").Split(' ', StringSplitOptions.RemoveEmptyEntries).ToHashSet(StringComparer.Ordinal);
        var runnable = CpuTargets.All.Where(t => t.Arch == arch && CpuTargets.WhyNotRunnable(t) is null).ToArray();
        var best = runnable.LastOrDefault(t => t.RequiredHostFlags.Count > 0);
        var level = arch == "x86_64" ? best?.Id.Model ?? "x86-64" : "armv8-a";
        var cores = Environment.ProcessorCount;
        var clock = MaxClockGhz() ?? ParseDouble(info.GetValueOrDefault("cpu MHz")) / 1000.0;
        // FLOP per cycle per core from the vector width the level guarantees, with two FMA pipes:
        // an estimate (the profile says so), refined by measurement once the scheduler learns.
        var fp32PerCycle = level switch { "x86-64-v4" or "x86-64-v3" => 32, "x86-64-v2" => 16, _ => 16 };
        return new DeviceProfile
        {
            Id = "local-cpu",
            Kind = "cpu",
            Vendor = info.GetValueOrDefault("vendor_id") ?? (arch == "aarch64" ? "arm" : "unknown"),
            Model = info.GetValueOrDefault("model name") ?? info.GetValueOrDefault("CPU part") ?? "unknown CPU",
            Isa = new DeviceIsa { Arch = arch, Level = level, Features = InterestingFlags.Where(flags.Contains).ToArray() },
            ComputeUnits = cores,
            ClockGhz = new DeviceClock { Boost = clock > 0 ? Math.Round(clock, 3) : null },
            PeakGflops = new DevicePeaks { Fp32 = Math.Round(cores * clock * fp32PerCycle, 1), Fp64 = Math.Round(cores * clock * fp32PerCycle / 2, 1) },
            Memory = new DeviceMemory { SizeGib = Math.Round(MemTotalGib(), 2), BandwidthGbs = Math.Round(bandwidthGbs, 1), Type = "system memory" },
            Ingests = ["llvm-bitcode"],
            Toolchains = ["llvm-19", "ld.lld-19"],
            Sources = [new DeviceSource { Title = "discovered from /proc/cpuinfo, /proc/meminfo and /sys/devices/system/cpu", Url = "file:///proc/cpuinfo" }],
            Notes = $"peaks estimated as cores × clock × {fp32PerCycle} FP32 FLOP/cycle; bandwidth measured (copy over all cores); caches: {Caches()}",
        };
    }

    private static Dictionary<string, string> ReadCpuInfo()
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        if (!File.Exists("/proc/cpuinfo"))
        {
            return values;
        }
        foreach (var line in File.ReadLines("/proc/cpuinfo"))
        {
            if (line.Length == 0 && values.Count > 0)
            {
                break; // the first processor describes them all
            }
            var colon = line.IndexOf(':', StringComparison.Ordinal);
            if (colon > 0)
            {
                values.TryAdd(line[..colon].Trim(), line[(colon + 1)..].Trim());
            }
        }
        return values;
    }

    private static double? MaxClockGhz()
    {
        const string path = "/sys/devices/system/cpu/cpu0/cpufreq/cpuinfo_max_freq";
        return File.Exists(path) && double.TryParse(File.ReadAllText(path).Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out var khz) ? khz / 1e6 : null;
    }

    private static double MemTotalGib()
    {
        if (!File.Exists("/proc/meminfo"))
        {
            return 0;
        }
        var line = File.ReadLines("/proc/meminfo").FirstOrDefault(l => l.StartsWith("MemTotal:", StringComparison.Ordinal));
        var kib = line?.Split(' ', StringSplitOptions.RemoveEmptyEntries).ElementAtOrDefault(1);
        return ParseDouble(kib) / (1024.0 * 1024.0);
    }

    /// <summary>This CPU's caches as sysfs lists them (<c>L1d 32K, L1i 32K, L2 1024K, L3 32768K</c>).</summary>
    public static string Caches()
    {
        const string root = "/sys/devices/system/cpu/cpu0/cache";
        if (!Directory.Exists(root))
        {
            // Some virtual machines publish no cache topology; /proc/cpuinfo still names one level.
            return ReadCpuInfo().GetValueOrDefault("cache size") is { } size && size.EndsWith(" KB", StringComparison.Ordinal)
                ? $"{size[..^3]}K (/proc/cpuinfo's \"cache size\"; sysfs lists no caches)"
                : "unknown";
        }
        return string.Join(", ", Directory.GetDirectories(root, "index*").Order(StringComparer.Ordinal).Select(d =>
        {
            string Read(string file) => File.Exists(Path.Combine(d, file)) ? File.ReadAllText(Path.Combine(d, file)).Trim() : "?";
            var type = Read("type") switch { "Data" => "d", "Instruction" => "i", _ => "" };
            return $"L{Read("level")}{type} {Read("size")}";
        }));
    }

    /// <summary>Size of the largest cache level in bytes (0 when sysfs does not say).</summary>
    public static long LastLevelCacheBytes()
    {
        long largest = 0;
        foreach (var part in Caches().Split(", "))
        {
            var size = part.Split(' ').FirstOrDefault(w => w.Length > 1 && char.IsAsciiDigit(w[0])) ?? "";
            var scale = size.EndsWith('K') ? 1024L : size.EndsWith('M') ? 1L << 20 : 1;
            if (long.TryParse(size.TrimEnd('K', 'M'), NumberStyles.Integer, CultureInfo.InvariantCulture, out var value))
            {
                largest = Math.Max(largest, value * scale);
            }
        }
        return largest;
    }

    private static double ParseDouble(string? text) =>
        double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) ? value : 0;
}
