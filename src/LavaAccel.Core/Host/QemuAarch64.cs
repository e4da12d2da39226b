namespace LavaAccel.Host;

/// <summary>qemu-user for running AArch64 variants on an x86-64 host.</summary>
public static class QemuAarch64
{
    /// <summary>The sysroot with AArch64 glibc (libc6-dev-arm64-cross / libc6-arm64-cross).</summary>
    public const string SysRoot = "/usr/aarch64-linux-gnu";

    private static readonly Lazy<string?> Found = new(() =>
        new[] { "/usr/bin/qemu-aarch64", "/usr/bin/qemu-aarch64-static" }.FirstOrDefault(File.Exists));

    /// <summary>Path of qemu-aarch64, or null when it is not installed.</summary>
    public static string? Path => Found.Value;
}
