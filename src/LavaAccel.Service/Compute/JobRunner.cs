using System.Diagnostics;
using Google.Protobuf;
using LavaAccel.Api.V1;
using LavaAccel.Backends;
using LavaAccel.Cache;
using LavaAccel.Runtime;
using LavaAccel.Sandbox;
using LavaAccel.Scheduling;
using LavaAccel.Service.Storage;

namespace LavaAccel.Service.Compute;

/// <summary>
/// Runs one job on this node, the way <c>lava run</c> does: the package from the store, the target
/// from the scheduler (or the request), the variant from the cache (compiled on a miss), the kernel
/// in a sandbox from the node's deployment (warm container pool). Failures become a failed result
/// with the one-line error, never an exception out of here.
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
        var work = Directory.CreateTempSubdirectory("lava-job-");
        try
        {
            var package = packages.Load(request.PackageDigest);
            var kernel = package.Manifest.GetKernel(request.Kernel);
            var range = new NdRange([.. request.Global], request.Local.Count > 0 ? [.. request.Local] : null).Resolve(kernel);
            var texts = new List<string>();
            foreach (var argument in request.Arguments)
            {
                if (argument.ValueCase == JobArgument.ValueOneofCase.Npy)
                {
                    var file = Path.Combine(work.FullName, $"arg-{texts.Count}.npy");
                    await File.WriteAllBytesAsync(file, argument.Npy.ToByteArray(), cancellation).ConfigureAwait(false);
                    texts.Add($"{argument.Name}=@{file}");
                }
                else if (argument.Text.TrimStart().StartsWith('@'))
                {
                    throw new LavaException($"argument '{argument.Name}': files on the server cannot be named");
                }
                else
                {
                    texts.Add($"{argument.Name}={argument.Text}");
                }
            }
            var arguments = ArgumentBinder.Bind(kernel, texts, work.FullName);
            var demand = LocalPlacement.Work(package, kernel, range, arguments);
            TargetChoice choice;
            if ((string.IsNullOrEmpty(target) || target == "auto") && options.OfferedTargets is { } offered)
            {
                // The best target this node offers for the package: the last in the registry's order (highest CPU tier).
                var best = BackendRegistry.TargetsFor(package).LastOrDefault(t => offered.Contains(t.ToString()) && BackendRegistry.For(t).WhyNotRunnable(t) is null)
                    ?? throw new LavaException($"this node offers no target for package '{package.Manifest.Name}' ({string.Join(", ", offered)})");
                choice = new TargetChoice(best, "the best target this node offers");
            }
            else if (string.IsNullOrEmpty(target) || target == "auto")
            {
                var decision = LocalPlacement.Place(demand, package, kernel, PlacementConstraints.None, cache, history);
                choice = new TargetChoice(TargetId.Parse(decision.Chosen.Target), LocalPlacement.Reason(decision));
            }
            else
            {
                choice = TargetSelector.Choose(target);
            }
            target = choice.Target.ToString();
            var variant = cache.TryGet(package, choice.Target) ?? cache.GetOrCompile(package, packages.PathOf(request.PackageDigest), choice.Target);
            var timeLimit = request.TimeLimitSeconds > 0 ? TimeSpan.FromSeconds(Math.Min(request.TimeLimitSeconds, options.MaxTimeLimit.TotalSeconds)) : options.DefaultTimeLimit;
            var run = new RunRequest(variant.ArtifactPath, choice.Target, kernel, range, arguments, Math.Max(1, request.Repeat), 0, timeLimit,
                options.Sandbox, memoryLimit > 0 ? memoryLimit : null, null, job.Owner, package.IsIlgpu ? package.Code : null);
            var outcome = await VariantRunner.RunAsync(run, deployment, cancellation).ConfigureAwait(false);
            if (choice.Target.Backend == "cpu")
            {
                history.Record(demand.KernelKey, target, LocalPlacement.LocalCpu, demand.WorkItems, outcome.MedianMs / 1000);
            }
            var report = new LaunchReport(package, kernel, choice, range, arguments, variant, outcome);
            var outputs = arguments.Where(a => a.Parameter.Kind == KernelArgumentKind.Buffer && !a.Parameter.IsConst)
                .Select(a => new JobOutput { Name = a.Parameter.Name, Npy = ByteString.CopyFrom(report.Output(a.Parameter.Name).Encode()) })
                .ToList();
            var usage = outcome.Usage;
            return new JobResult(JobStates.Succeeded, "", target, outcome.MedianMs, variant.Hit, new JobUsage
            {
                WallMs = clock.Elapsed.TotalMilliseconds,
                CpuMs = usage?.CpuMs ?? 0,
                // What the job held its device for, as lava measured it: at least the worker's own
                // kernel times, which code in the sandbox could understate.
                DeviceMs = Math.Max(outcome.KernelMs.Sum(), outcome.WallMs),
                PeakMemoryBytes = usage?.PeakMemoryBytes ?? 0,
            }, outputs);
        }
        catch (OperationCanceledException) when (cancellation.IsCancellationRequested)
        {
            return Ended(JobStates.Cancelled, "cancelled while running", target, clock);
        }
        catch (RunFailedException e) when (e.Exit == ExitReason.TimedOut && deviceSecondsLeft is { } left && Math.Abs(request.TimeLimitSeconds - Math.Max(left, 0.001)) < 1e-9)
        {
            return Ended(JobStates.Failed, $"stopped after {left:0.###} s: user '{job.Owner}' reached their device-seconds quota", target, clock);
        }
        catch (LavaException e)
        {
            return Ended(cancellation.IsCancellationRequested ? JobStates.Cancelled : JobStates.Failed, e.Message, target, clock);
        }
        finally
        {
            work.Delete(recursive: true);
        }
    }

    // A job that failed or was stopped still held its device for the time it ran: that counts.
    private static JobResult Ended(string state, string error, string target, Stopwatch clock) =>
        new(state, error, target ?? "", 0, false, new JobUsage { WallMs = clock.Elapsed.TotalMilliseconds, DeviceMs = clock.Elapsed.TotalMilliseconds }, []);
}
