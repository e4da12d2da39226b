using System.Collections.Concurrent;
using LavaAccel.Service.Storage;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace LavaAccel.Service.Compute;

/// <summary>
/// The compute role of the single-machine deployment: <see cref="ServiceOptions.Workers"/> loops
/// that claim the oldest queued job, run it and write its result. On start it re-queues what this
/// node was running when the previous process died, so an accepted job always completes.
/// </summary>
public sealed class JobExecutor(JobStore jobs, JobRunner runner, ServiceOptions options, ServiceMetrics metrics, ILogger<JobExecutor> log) : BackgroundService
{
    private readonly ConcurrentDictionary<string, CancellationTokenSource> _running = new(StringComparer.Ordinal);

    // The embedded node takes only jobs it can run: those asking for a target that runs here, or auto.
    private readonly IReadOnlyCollection<string> _targets = [.. LavaAccel.Backends.BackendRegistry.AllTargets
        .Where(t => LavaAccel.Backends.BackendRegistry.For(t).WhyNotRunnable(t) is null).Select(t => t.ToString())];

    /// <summary>This node's name in job records.</summary>
    public string Node => options.NodeName;

    /// <inheritdoc />
    protected override Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var requeued = jobs.Requeue(Node);
        if (requeued > 0)
        {
            log.LogWarning("re-queued {Count} job(s) this node was running when it stopped", requeued);
        }
        var loops = Enumerable.Range(0, Math.Max(1, options.Workers)).Select(_ => Task.Run(() => LoopAsync(stoppingToken), stoppingToken)).ToList();
        loops.Add(Task.Run(() => WatchCancellationsAsync(stoppingToken), stoppingToken));
        return Task.WhenAll(loops);
    }

    private async Task LoopAsync(CancellationToken stopping)
    {
        while (!stopping.IsCancellationRequested)
        {
            var pulse = jobs.Changed.Next;
            var claimed = jobs.ClaimNext(Node, _targets);
            if (claimed is not { } next)
            {
                await Task.WhenAny(pulse, Task.Delay(TimeSpan.FromSeconds(1), stopping)).ConfigureAwait(false);
                continue;
            }
            var (job, request, memory, quotaLeft) = next;
            using var cancel = CancellationTokenSource.CreateLinkedTokenSource(stopping);
            _running[job.Id] = cancel;
            try
            {
                JobResult result;
                try
                {
                    result = await runner.RunAsync(job, request, memory, cancel.Token, quotaLeft).ConfigureAwait(false);
                }
                catch (Exception e) when (!stopping.IsCancellationRequested)
                {
                    // A bug or an I/O failure fails this job with the reason; the worker goes on.
                    log.LogError(e, "job {Job} failed with an internal error", job.Id);
                    result = new JobResult(JobStates.Failed, $"internal error: {e.GetType().Name}: {e.Message}", request.Target, 0, false, new LavaAccel.Api.V1.JobUsage(), []);
                }
                if (stopping.IsCancellationRequested)
                {
                    return; // the job stays running in the store and is re-queued at the next start
                }
                jobs.Finish(job.Id, Node, result, job.Attempts);
                metrics.Finished(result.State, result.Usage.WallMs);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // Even the store failing (disk full, database locked) must not end this worker.
                log.LogError(e, "recording job {Job} failed", job.Id);
                await Task.Delay(TimeSpan.FromSeconds(1), stopping).ConfigureAwait(false);
            }
            finally
            {
                _running.TryRemove(job.Id, out _);
            }
        }
    }

    // Cancel requests arrive in the store (from any access node); stop the kernels they name.
    private async Task WatchCancellationsAsync(CancellationToken stopping)
    {
        while (!stopping.IsCancellationRequested)
        {
            await jobs.Changed.WaitAsync(TimeSpan.FromMilliseconds(500), stopping).ConfigureAwait(false);
            foreach (var (id, cancel) in _running)
            {
                try
                {
                    if (jobs.CancelRequested(id))
                    {
                        await cancel.CancelAsync().ConfigureAwait(false);
                    }
                }
                catch (ObjectDisposedException)
                {
                    // the job ended meanwhile
                }
                catch (Microsoft.Data.Sqlite.SqliteException e)
                {
                    log.LogWarning("checking cancellations failed: {Message}", e.Message);
                }
            }
        }
    }
}
