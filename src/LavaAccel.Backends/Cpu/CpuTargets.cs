using LavaAccel.Host;
using LavaAccel.Llvm;

namespace LavaAccel.Backends.Cpu;

/// <summary>The CPU targets LavaAccel compiles for, and which of them this machine can run.</summary>
public static class CpuTargets
{
    private const string X86Triple = "x86_64-unknown-linux-gnu";
    private const string Arm64Triple = "aarch64-unknown-linux-gnu";
    private static readonly string[] V2 = ["sse4_2", "popcnt", "ssse3"];
    private static readonly string[] V3 = [.. V2, "avx2", "fma", "bmi2", "movbe", "f16c"];
    private static readonly string[] V4 = [.. V3, "avx512f", "avx512bw", "avx512cd", "avx512dq", "avx512vl"];

    /// <summary>Every CPU target, best x86-64 tier last within its group.</summary>
    public static IReadOnlyList<CpuTarget> All { get; } =
    [
        new(new("cpu", "x86_64", "x86-64-v2"), X86Triple, "x86-64-v2", "", 128, V2),
        new(new("cpu", "x86_64", "x86-64-v3"), X86Triple, "x86-64-v3", "", 256, V3),
        // 512-bit vectors: x86-64-v4 tunes for 256 unless told otherwise.
        new(new("cpu", "x86_64", "x86-64-v4"), X86Triple, "x86-64-v4", "-prefer-256-bit", 512, V4),
        new(new("cpu", "x86_64", "native"), X86Triple, "native", "", 0, []),
        new(new("cpu", "aarch64", "generic"), Arm64Triple, "generic", "+neon", 128, []),
        new(new("cpu", "aarch64", "neoverse-n1"), Arm64Triple, "neoverse-n1", "", 128, []),
        new(new("cpu", "aarch64", "neoverse-v2"), Arm64Triple, "neoverse-v2", "", 128, []),
        new(new("cpu", "aarch64", "a64fx"), Arm64Triple, "a64fx", "", 512, []),
    ];

    /// <summary>Finds a CPU target by id.</summary>
    public static CpuTarget? Find(TargetId id) => All.FirstOrDefault(t => t.Id == id);

    /// <summary>The LLVM CPU and feature string to compile with (resolving <c>native</c>).</summary>
    public static (string Cpu, string Features) Resolve(CpuTarget target)
    {
        if (target.Cpu != "native")
        {
            return (target.Cpu, target.Features);
        }
        return (LlvmTargetMachine.HostCpuName(), LlvmTargetMachine.HostCpuFeatures());
    }

    /// <summary>Why this machine cannot run the target, or null when it can.</summary>
    public static string? WhyNotRunnable(CpuTarget target)
    {
        var hostArch = System.Runtime.InteropServices.RuntimeInformation.OSArchitecture;
        if (target.Arch == "x86_64")
        {
            if (hostArch != System.Runtime.InteropServices.Architecture.X64)
            {
                return "this machine is not x86-64";
            }
            var missing = target.RequiredHostFlags.Where(f => !HostFlags.Value.Contains(f)).ToArray();
            return missing.Length == 0 ? null : $"this CPU lacks {string.Join(", ", missing)}";
        }
        if (hostArch == System.Runtime.InteropServices.Architecture.Arm64)
        {
            return null;
        }
        return QemuAarch64.Path is null ? "qemu-aarch64 is not installed (apt-get install qemu-user)" : null;
    }

    private static readonly Lazy<HashSet<string>> HostFlags = new(() =>
    {
        var flags = new HashSet<string>(StringComparer.Ordinal);
        if (File.Exists("/proc/cpuinfo"))
        {
            foreach (var line in File.ReadLines("/proc/cpuinfo"))
            {
                if (line.StartsWith("flags", StringComparison.Ordinal))
                {
                    flags.UnionWith(line[(line.IndexOf(':', StringComparison.Ordinal) + 1)..].Split(' ', StringSplitOptions.RemoveEmptyEntries));
                    break;
                }
            }
        }
        return flags;
    });
}
