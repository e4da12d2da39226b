using System.Diagnostics;
using Google.Protobuf;
using LavaAccel.Api.V1;
using LavaAccel.Cache;
using LavaAccel.Execution;
using LavaAccel.Sandbox;
using LavaAccel.Scheduling;
using LavaAccel.Service.Storage;

namespace LavaAccel.Service.Compute;

/// <summary>
/// A job on this node: the submitted request as a <see cref="LaunchSpec"/> for the one launch
/// pipeline (<see cref="KernelLauncher"/>, the same as <c>lava run</c>'s), its outcome as a job
/// result. Failures become a failed result with the one-line error, never an exception out of here.
/// </summary>
public sealed class JobRunner(IPackageSource packages, VariantCache cache, PerformanceHistory history, Deployment deployment, ServiceOptions options)
{
    /// <summary>
    /// Runs the job; cancelling <paramref name="cancellation"/> stops its kernel. With
    /// <paramref name="deviceSecondsLeft"/> (the owner's quota), the job is not run when nothing is
    /// left, and one stopped at what was left says so.
    /// </summary>
    public async Task<JobResult> RunAsync(Job job, SubmitJobRequest request, long memoryLimit, CancellationToken cancellation, double? deviceSecondsLeft = null)
    {
        var clock = Stopwatch.StartNew();
        var target = request.Target;
        if (deviceSecondsLeft is <= 0)
        {
            return Ended(JobStates.Failed, $"user '{job.Owner}' has used up their device-seconds quota: the job was not run", target, clock);
        }
        try
        {
            var timeLimit = request.TimeLimitSeconds > 0 ? TimeSpan.FromSeconds(Math.Min(request.TimeLimitSeconds, options.MaxTimeLimit.TotalSeconds)) : options.DefaultTimeLimit;
            var spec = new LaunchSpec(
                packages.Load(request.PackageDigest), request.Kernel, [.. request.GlobalSize], request.Local.Count > 0 ? [.. request.Local] : null,
                [.. request.Arguments.Select(a => a.ValueCase == JobArgument.ValueOneofCase.Npy ? new ArgumentSpec(a.Name, "", a.Npy.ToByteArray()) : new ArgumentSpec(a.Name, a.Text.Trim()))],
                BaseDirectory: null, TargetSelector.Parse(request.Target), Math.Max(1, request.Repeat), timeLimit, options.Sandbox,
                memoryLimit > 0 ? memoryLimit : null, null, job.Owner, options.OfferedTargets);
            var report = await KernelLauncher.LaunchAsync(spec, new LaunchContext(cache, history, deployment), null, cancellation).ConfigureAwait(false);
            target = report.Choice.Target.ToString();
            var outcome = report.Outcome;
            var outputs = report.Arguments.Where(a => a.Parameter.Kind == KernelArgumentKind.Buffer && !a.Parameter.IsConst)
                .Select(a => new JobOutput { Name = a.Parameter.Name, Npy = ByteString.CopyFrom(report.Output(a.Parameter.Name).Encode()) })
                .ToList();
            return new JobResult(JobStates.Succeeded, "", target, outcome.MedianMs, report.Variant.Hit, new JobUsage
            {
                WallMs = clock.Elapsed.TotalMilliseconds,
                CpuMs = outcome.Usage?.CpuMs ?? 0,
                // What the job held its device for, as lava measured it: at least the worker's own
                // kernel times, which code in the sandbox could understate.
                DeviceMs = Math.Max(outcome.KernelMs.Sum(), outcome.WallMs),
                PeakMemoryBytes = outcome.Usage?.PeakMemoryBytes ?? 0,
            }, outputs, JobResult.Bounded(outcome.KernelOutput));
        }
        catch (OperationCanceledException) when (cancellation.IsCancellationRequested)
        {
            return Ended(JobStates.Cancelled, "cancelled while running", target, clock);
        }
        catch (RunFailedException e) when (e.Exit == ExitReason.TimedOut && deviceSecondsLeft is { } left && Math.Abs(request.TimeLimitSeconds - Math.Max(left, 0.001)) < 1e-9)
        {
            return Ended(JobStates.Failed, $"stopped after {left:0.###} s: user '{job.Owner}' reached their device-seconds quota", target, clock, e.Usage);
        }
        catch (RunFailedException e)
        {
            return Ended(cancellation.IsCancellationRequested ? JobStates.Cancelled : JobStates.Failed, e.Message, target, clock, e.Usage);
        }
        catch (LavaException e)
        {
            return Ended(cancellation.IsCancellationRequested ? JobStates.Cancelled : JobStates.Failed, e.Message, target, clock);
        }
    }

    // A job that failed or was stopped still held its device for the time it ran, and used what
    // its sandbox measured: both count.
    private static JobResult Ended(string state, string error, string target, Stopwatch clock, UsageRecord? usage = null) =>
        new(state, error, target ?? "", 0, false, new JobUsage
        {
            WallMs = clock.Elapsed.TotalMilliseconds,
            DeviceMs = clock.Elapsed.TotalMilliseconds,
            CpuMs = usage?.CpuMs ?? 0,
            PeakMemoryBytes = usage?.PeakMemoryBytes ?? 0,
        }, []);
}
