using System.Diagnostics;
using System.Globalization;
using LavaAccel.Host;
using LavaAccel.Sandbox.Cgroups;

namespace LavaAccel.Sandbox;

/// <summary>
/// Hands one job to a ready sandbox and collects the outcome. The worker enforces the time limit
/// itself; lava kills the sandbox half a second later if it has not ended by then.
/// </summary>
public static class JobDispatch
{
    private static readonly TimeSpan Grace = TimeSpan.FromMilliseconds(500);

    /// <summary>What is kept of a worker's stdout (its one-line report).</summary>
    private const int ReportLimit = 64 * 1024;

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
            // A tab between the two: paths may hold spaces.
            await slot.Process.StandardInput.WriteLineAsync($"{variantInside}\t{jobFileInside}".AsMemory(), cancellation).ConfigureAwait(false);
            await slot.Process.StandardInput.FlushAsync(cancellation).ConfigureAwait(false);
            slot.Process.StandardInput.Close();
        }
        catch (IOException)
        {
            // The worker is already gone; what it left behind says why.
        }
        // The job is over when the worker's stdout and stderr are closed and (where lava is its
        // parent) it has exited: a kernel that closes stdout early does not end it.
        var stdout = BoundedText.ReadAsync(slot.Process.StandardOutput, ReportLimit, cancellation);
        var exited = slot.Kind == SandboxKind.Oci ? Task.CompletedTask : slot.Process.WaitForExitAsync(CancellationToken.None);
        var done = Task.WhenAll(stdout, slot.Stderr, exited);
        var killedForTime = false;
        try
        {
            await done.WaitAsync(timeLimit is { } limit ? limit + Grace : Timeout.InfiniteTimeSpan, cancellation).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            killedForTime = true;
            slot.Kill();
        }
        catch (OperationCanceledException)
        {
            slot.Kill();
            throw;
        }
        if (!done.IsCompleted)
        {
            try
            {
                await done.WaitAsync(TimeSpan.FromSeconds(10), CancellationToken.None).ConfigureAwait(false);
            }
            catch (TimeoutException)
            {
                // Killed but still holding its pipes (a descendant kept them): go on with what there is.
            }
        }
        var output = stdout.IsCompletedSuccessfully ? stdout.Result : "";
        var kernelOutput = slot.Stderr.IsCompletedSuccessfully ? slot.Stderr.Result : "";
        var wallMs = Stopwatch.GetElapsedTime(ready).TotalMilliseconds;
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
        // The worker's CLOCK_MONOTONIC reading, which Stopwatch shares on Linux.
        var enteredAt = report?.Number("entered_ns") is { } ns && ns > 0 ? (long)(ns * (Stopwatch.Frequency / 1e9)) : 0;
        var (exit, message) = Classify(slot, report, cgroup, killedForTime, timeLimit);
        if (exit == ExitReason.Completed && Inconsistency(slot, report!, ready, wallMs, enteredAt) is { } lie)
        {
            (exit, message) = (ExitReason.Error, $"the worker's report does not match what lava saw ({lie}): the kernel may have forged it, so its results are refused");
        }
        var usage = Usage(slot, report, cgroup, wallMs, exit);

        double? dispatch = enteredAt > 0 ? Stopwatch.GetElapsedTime(ready, enteredAt).TotalMilliseconds : null;
        return new SandboxRun(report, exit, message, StripRuncNoise(kernelOutput), usage, dispatch, enteredAt);
    }

    private static (ExitReason, string) Classify(WorkerSlot slot, WorkerReport? report, CgroupUsage? cgroup, bool killedForTime, TimeSpan? timeLimit)
    {
        var limitText = timeLimit is { } t ? t.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture) : "?";
        // lava's own evidence first: what the worker printed can be forged by the kernel.
        if (killedForTime)
        {
            return (ExitReason.TimedOut, $"exceeded the time limit of {limitText} s and was killed");
        }
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
        if (cgroup is { OomKills: > 0 })
        {
            return (ExitReason.OutOfMemory, $"ran out of memory (limit {Size(slot.Limits.MemoryBytes)}) and was killed");
        }
        if (slot.ExitCode() is { } code && code != 0)
        {
            if (code == 124 && timeLimit is not null)
            {
                // The worker's own time-out, with its report lost (the kernel closed stdout).
                return (ExitReason.TimedOut, $"exceeded the time limit of {limitText} s and was killed");
            }
            return code > 128
                ? (ExitReason.Crashed, $"crashed ({Signals.Describe(code)})")
                : (ExitReason.Killed, $"the worker ended with {Signals.Describe(code)} and no report");
        }
        return (ExitReason.Killed, "the worker was killed before it could report");
    }

    /// <summary>
    /// A success report is code running in the sandbox talking: it is believed only as far as lava
    /// can check it — the worker ended with status 0, every time is a finite non-negative number,
    /// together no more than the wall time lava measured, and the kernel was entered after the job
    /// was handed over. A kernel that prints a fake report and exits cannot pass off made-up times.
    /// </summary>
    private static string? Inconsistency(WorkerSlot slot, WorkerReport report, long dispatched, double wallMs, long enteredAt)
    {
        var code = slot.ExitCode();
        if (code != 0)
        {
            return code is { } c ? $"it reported success but ended with {Signals.Describe(c)}" : "it reported success but had not ended";
        }
        var times = report.KernelMs;
        if (times.Length == 0 || times.Any(t => !double.IsFinite(t) || t < 0))
        {
            return "its kernel times are missing, negative or not numbers";
        }
        if (times.Sum() > wallMs + 1)
        {
            return $"its kernel times add up to {times.Sum():0.###} ms, more than the {wallMs:0.###} ms the job took";
        }
        if (enteredAt != 0 && (enteredAt < dispatched || enteredAt > Stopwatch.GetTimestamp()))
        {
            return "it entered the kernel before it was given the job or after it ended";
        }
        return null;
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
