using System.Security.Cryptography;
using System.Text;

namespace LavaAccel.Backends.Cpu;

/// <summary>Identifies this machine's CPU model and features (for <c>cpu/…/native</c> variant keys) without loading LLVM.</summary>
internal static class HostCpu
{
    private static readonly Lazy<string> Value = new(() =>
    {
        var lines = File.Exists("/proc/cpuinfo")
            ? File.ReadLines("/proc/cpuinfo").TakeWhile(l => l.Length > 0)
                .Where(l => l.StartsWith("model name", StringComparison.Ordinal) || l.StartsWith("flags", StringComparison.Ordinal) || l.StartsWith("Features", StringComparison.Ordinal) || l.StartsWith("CPU part", StringComparison.Ordinal))
            : [];
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(string.Join('\n', lines))))[..16];
    });

    /// <summary>A short hash of the CPU model and feature flags.</summary>
    public static string Identity => Value.Value;
}
