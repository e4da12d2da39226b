using System.Diagnostics;
using System.Globalization;
using LavaAccel.Backends;
using LavaAccel.Sandbox.Cgroups;

namespace LavaAccel.Sandbox;

/// <summary>
/// Hands one job to a ready sandbox and collects the outcome. The worker enforces the time limit
/// itself; lava kills the sandbox half a second later if it has not ended by then.
/// </summary>
public static class JobDispatch
{
    private static readonly TimeSpan Grace = TimeSpan.FromMilliseconds(500);

    /// <summary>
    /// Sends <paramref name="variantInside"/> and <paramref name="jobFileInside"/> (already written
    /// into the slot's job directory) to the worker, waits for it to end, and reports.
    /// </summary>
    public static async Task<SandboxRun> RunAsync(WorkerSlot slot, string variantInside, string jobFileInside, TimeSpan? timeLimit, CancellationToken cancellation = default)
    {
        slot.MarkUsed();
        var ready = Stopwatch.GetTimestamp();
        try
        {
            await slot.Process.StandardInput.WriteLineAsync($"{variantInside} {jobFileInside}".AsMemory(), cancellation).ConfigureAwait(false);
            await slot.Process.StandardInput.FlushAsync(cancellation).ConfigureAwait(false);
            slot.Process.StandardInput.Close();
        }
        catch (IOException)
        {
            // The worker is already gone; what it left behind says why.
        }
        var stdout = slot.Process.StandardOutput.ReadToEndAsync(cancellation);
        var killedForTime = false;
        if (timeLimit is { } limit)
        {
            try
            {
                await stdout.WaitAsync(limit + Grace, cancellation).ConfigureAwait(false);
            }
            catch (TimeoutException)
            {
                killedForTime = true;
                slot.Kill();
            }
        }
        string output;
        try
        {
            output = await stdout.ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            slot.Kill();
            throw;
        }
        var wallMs = Stopwatch.GetElapsedTime(ready).TotalMilliseconds;
        var kernelOutput = await slot.Stderr.WaitAsync(TimeSpan.FromSeconds(5), CancellationToken.None).ConfigureAwait(false);
        if (slot.Kind != SandboxKind.Oci)
        {
            await slot.Process.WaitForExitAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(5), CancellationToken.None).ConfigureAwait(false);
        }
        var report = WorkerReport.Parse(output);
        if (report is null && slot.Kind == SandboxKind.Oci)
        {
            slot.ExitCode(); // the worker's status, where lava could wait for it
        }
        if (report is null && Environment.GetEnvironmentVariable("LAVA_DEBUG") == "1")
        {
            Console.Error.WriteLine($"[sandbox {slot.Id}] no report; stdout: {output}\nstderr: {kernelOutput}\nexit: {slot.ExitCode()}");
        }
        var cgroup = slot.CgroupUsage();
        var (exit, message) = Classify(slot, report, cgroup, killedForTime, timeLimit);
        var usage = Usage(slot, report, cgroup, wallMs, exit);
        double? dispatch = report?.Number("entered_ns") is { } entered && entered > 0
            ? (entered - ready * (1e9 / Stopwatch.Frequency)) / 1e6
            : null;
        var enteredAt = report?.Number("entered_ns") is { } ns ? (long)(ns * (Stopwatch.Frequency / 1e9)) : 0;
        return new SandboxRun(report, exit, message, StripRuncNoise(kernelOutput), usage, dispatch, enteredAt);
    }

    private static (ExitReason, string) Classify(WorkerSlot slot, WorkerReport? report, CgroupUsage? cgroup, bool killedForTime, TimeSpan? timeLimit)
    {
        var limitText = timeLimit is { } t ? t.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture) : "?";
        switch (report?.Status)
        {
            case "ok":
                return (ExitReason.Completed, "");
            case "error":
                return (ExitReason.Error, report.Text("message") ?? "the worker refused the job");
            case "timeout":
                return (ExitReason.TimedOut, $"exceeded the time limit of {limitText} s and was killed");
            case "forbidden":
                return (ExitReason.Forbidden, $"made a forbidden system call ({report.Text("syscall")}) and was stopped by the {slot.Kind.Name()} sandbox");
            case "signal":
                return (ExitReason.Crashed, $"crashed ({report.Text("name")})");
        }
        if (killedForTime)
        {
            return (ExitReason.TimedOut, $"exceeded the time limit of {limitText} s and was killed");
        }
        if (cgroup is { OomKills: > 0 })
        {
            return (ExitReason.OutOfMemory, $"ran out of memory (limit {Size(slot.Limits.MemoryBytes)}) and was killed");
        }
        if (slot.ExitCode() is { } code && code != 0)
        {
            return code > 128
                ? (ExitReason.Crashed, $"crashed ({Signals.Describe(code)})")
                : (ExitReason.Killed, $"the worker ended with {Signals.Describe(code)} and no report");
        }
        return (ExitReason.Killed, "the worker was killed before it could report");
    }

    private static UsageRecord Usage(WorkerSlot slot, WorkerReport? report, CgroupUsage? cgroup, double wallMs, ExitReason exit)
    {
        if (cgroup is not null)
        {
            return new UsageRecord(slot.Id, slot.Kind.Name(), wallMs, cgroup.UserMs, cgroup.SystemMs, cgroup.PeakMemoryBytes, exit, $"cgroup-v{CgroupLayout.Host.Version}");
        }
        var own = report?.Usage;
        return new UsageRecord(slot.Id, slot.Kind.Name(), wallMs, own?.UserMs ?? 0, own?.SystemMs ?? 0, own?.MaxRssBytes ?? 0, exit, own is null ? "none" : "rusage");
    }

    private static string Size(long? bytes) => bytes is { } b
        ? b >= 1L << 30 ? $"{b / (double)(1L << 30):0.#} GiB" : $"{b / (double)(1L << 20):0.#} MiB"
        : "none";

    // runc may log warnings to the stderr it shares with the worker; they are not kernel output.
    private static string StripRuncNoise(string stderr) =>
        stderr.Contains("level=", StringComparison.Ordinal)
            ? string.Join('\n', stderr.Split('\n').Where(l => !(l.StartsWith("time=", StringComparison.Ordinal) && l.Contains("level=", StringComparison.Ordinal))))
            : stderr;
}
