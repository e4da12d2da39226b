using System.Runtime.InteropServices;

namespace LavaAccel.Sandbox;

/// <summary>
/// What .NET's Process class cannot do for a container's worker: runc starts it detached, so it is
/// not lava's child. As a child subreaper, lava inherits it when runc exits and can wait for it,
/// which gives the exit status (and the signal) even when the worker died without a report.
/// </summary>
internal static partial class UnixProcesses
{
    private const int PrSetChildSubreaper = 36;
    private const int WNoHang = 1;

    private static readonly Lazy<bool> Subreaper = new(() => Prctl(PrSetChildSubreaper, 1, 0, 0, 0) == 0);

    [LibraryImport("libc", EntryPoint = "prctl", SetLastError = true)]
    private static partial int Prctl(int option, ulong arg2, ulong arg3, ulong arg4, ulong arg5);

    [LibraryImport("libc", EntryPoint = "waitpid", SetLastError = true)]
    private static partial int WaitPid(int pid, out int status, int options);

    /// <summary>Makes this process the reaper of orphaned descendants (once); false where the kernel refuses.</summary>
    public static bool BecomeSubreaper() => Subreaper.Value;

    /// <summary>
    /// Waits up to <paramref name="timeout"/> for <paramref name="pid"/> (a child or an inherited
    /// orphan) to end; returns its status as 128 + signal or the exit code, or null.
    /// </summary>
    public static int? Reap(int pid, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            var reaped = WaitPid(pid, out var status, WNoHang);
            if (reaped == pid)
            {
                var signal = status & 0x7f;
                return signal != 0 ? 128 + signal : (status >> 8) & 0xff;
            }
            if (reaped < 0 || DateTime.UtcNow > deadline)
            {
                return null; // not ours (already reaped, or lava is not its reaper)
            }
            Thread.Sleep(1);
        }
    }
}
