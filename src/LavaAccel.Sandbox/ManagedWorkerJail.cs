using System.Diagnostics;
using System.Runtime.InteropServices;

namespace LavaAccel.Sandbox;

/// <summary>
/// Runs one of lava's .NET workers (<c>lava-ilgpu-worker</c>) inside bubblewrap: new user, pid,
/// net, ipc, uts and mount namespaces (no network), uid 65534 with no capabilities, a read-only
/// root holding only /usr, the .NET runtime and the worker's own directory, the job directory as
/// the one writable place, a private /tmp, a cleared environment and, with a memory limit, a hard
/// cap on the managed heap. The C worker's seccomp allowlist is not applied (the .NET runtime
/// needs far more system calls); the namespaces and the read-only, network-less view are the wall.
/// </summary>
public static class ManagedWorkerJail
{
    /// <summary>Whether bubblewrap is installed.</summary>
    public static bool Available => HostTools.Bwrap is not null;

    /// <summary>
    /// Wraps <paramref name="worker"/> (a start description from the worker's directory) so it runs
    /// jailed with <paramref name="jobDirectory"/> (same path inside) as its only writable directory.
    /// </summary>
    public static ProcessStartInfo Wrap(ProcessStartInfo worker, string jobDirectory, long? memoryLimit)
    {
        var bwrap = HostTools.Bwrap ?? throw new LavaException("running C# kernels isolated needs bubblewrap (apt-get install bubblewrap), or --sandbox none");
        var start = new ProcessStartInfo(bwrap)
        {
            RedirectStandardOutput = worker.RedirectStandardOutput,
            RedirectStandardError = worker.RedirectStandardError,
            UseShellExecute = false,
        };
        var arguments = new List<string>
        {
            "--unshare-all", "--unshare-user", "--uid", $"{UnixFiles.Nobody}", "--gid", $"{UnixFiles.Nobody}",
            "--new-session", "--cap-drop", "ALL", "--hostname", "lava",
            "--ro-bind", "/usr", "/usr",
            "--symlink", "usr/lib", "/lib", "--symlink", "usr/lib64", "/lib64", "--symlink", "usr/bin", "/bin",
            "--proc", "/proc", "--dev", "/dev", "--tmpfs", "/tmp",
            "--ro-bind", "/sys/devices/system/cpu", "/sys/devices/system/cpu",
        };
        foreach (var directory in new[] { DotnetRoot(), AppContext.BaseDirectory.TrimEnd('/') }.Distinct(StringComparer.Ordinal))
        {
            if (!directory.StartsWith("/usr/", StringComparison.Ordinal))
            {
                arguments.AddRange(["--ro-bind", directory, directory]);
            }
        }
        // `dotnet` by name would be looked up on the jail's PATH (/usr/bin only): name the host's.
        var program = worker.FileName == "dotnet" ? Path.Combine(DotnetRoot(), "dotnet") : worker.FileName;
        arguments.AddRange(["--bind", jobDirectory, jobDirectory, "--remount-ro", "/", "--chdir", jobDirectory, "--", program]);
        arguments.AddRange(worker.ArgumentList);
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }
        start.Environment.Clear();
        start.Environment["PATH"] = "/usr/bin:/bin";
        start.Environment["HOME"] = "/tmp";
        start.Environment["TMPDIR"] = "/tmp";
        start.Environment["DOTNET_ROOT"] = DotnetRoot();
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["DOTNET_EnableDiagnostics"] = "0";
        start.Environment["DOTNET_DbgEnableMiniDump"] = "0";
        if (memoryLimit is { } limit)
        {
            start.Environment["DOTNET_GCHeapHardLimit"] = "0x" + limit.ToString("x", System.Globalization.CultureInfo.InvariantCulture);
        }
        return start;
    }

    // …/dotnet/shared/Microsoft.NETCore.App/10.0.x/ → …/dotnet
    private static string DotnetRoot() =>
        Path.GetFullPath(Path.Combine(RuntimeEnvironment.GetRuntimeDirectory(), "..", "..", "..")).TrimEnd('/');
}
