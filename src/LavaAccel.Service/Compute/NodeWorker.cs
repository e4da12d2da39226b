using System.Collections.Concurrent;
using LavaAccel.Service.Storage;
using Microsoft.Extensions.Logging;

namespace LavaAccel.Service.Compute;

/// <summary>
/// The node loop, the same for the embedded node and a remote one: claim → prepare → run (the one
/// launch pipeline, through <see cref="JobRunner"/>) → report, on several workers; a job stays in
/// <see cref="Running"/> until its result is handed back, and <see cref="CancelAsync"/> stops its kernel.
/// Whatever goes wrong ends that job failed with the reason; the worker goes on.
/// </summary>
public sealed class NodeWorker(IJobSource source, JobRunner runner, string node, ILogger log)
{
    private readonly ConcurrentDictionary<string, CancellationTokenSource> _running = new(StringComparer.Ordinal);

    /// <summary>The jobs this node has (running, or waiting for their result to be taken).</summary>
    public IReadOnlyCollection<string> Running => [.. _running.Keys];

    /// <summary>Stops a job's kernel, if it is here.</summary>
    public async Task CancelAsync(string id)
    {
        if (_running.TryGetValue(id, out var cancel))
        {
            try
            {
                await cancel.CancelAsync().ConfigureAwait(false);
            }
            catch (ObjectDisposedException)
            {
                // the job ended meanwhile
            }
        }
    }

    /// <summary>
    /// Runs <paramref name="workers"/> loops until <paramref name="stop"/>; with
    /// <paramref name="drain"/> cancelled, the loops claim nothing more, finish the jobs they hold
    /// and return (a node stopping gracefully).
    /// </summary>
    public Task RunAsync(int workers, CancellationToken stop, CancellationToken drain = default) =>
        Task.WhenAll(Enumerable.Range(0, Math.Max(1, workers)).Select(_ => Task.Run(() => LoopAsync(stop, drain), stop)));

    private async Task LoopAsync(CancellationToken stop, CancellationToken drain)
    {
        using var claiming = CancellationTokenSource.CreateLinkedTokenSource(stop, drain);
        while (!claiming.IsCancellationRequested)
        {
            ClaimedWork? work;
            try
            {
                work = await source.ClaimAsync(claiming.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (drain.IsCancellationRequested && !stop.IsCancellationRequested)
            {
                return; // draining: a claim in flight is abandoned (the controller re-queues an unreported job)
            }
            catch (Exception e) when (e is not OperationCanceledException || !stop.IsCancellationRequested)
            {
                log.LogWarning("claiming a job failed: {Message}", e.Message);
                await Task.Delay(TimeSpan.FromMilliseconds(500), stop).ConfigureAwait(false);
                continue;
            }
            if (work is null)
            {
                continue;
            }
            using var cancel = CancellationTokenSource.CreateLinkedTokenSource(stop);
            _running[work.Job.Id] = cancel;
            try
            {
                JobResult result;
                try
                {
                    await source.PrepareAsync(work, cancel.Token).ConfigureAwait(false);
                    result = await runner.RunAsync(work.Job, work.Request, work.MemoryLimit, cancel.Token, work.DeviceSecondsLeft).ConfigureAwait(false);
                }
                catch (Exception e) when (e is not OperationCanceledException || !stop.IsCancellationRequested)
                {
                    if (e is not LavaException)
                    {
                        log.LogError(e, "job {Job} failed with an internal error", work.Job.Id);
                    }
                    var reason = e is LavaException ? e.Message : $"internal error on node {node}: {e.GetType().Name}: {e.Message}";
                    result = new JobResult(JobStates.Failed, reason, work.Request.Target, 0, false, new LavaAccel.Api.V1.JobUsage(), []);
                }
                if (stop.IsCancellationRequested)
                {
                    return; // still running in the store: re-queued when this node starts again or is declared dead
                }
                await source.CompleteAsync(work, result, stop).ConfigureAwait(false);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // Even the store or the controller failing must not end this worker.
                log.LogError(e, "reporting job {Job} failed", work.Job.Id);
                await Task.Delay(TimeSpan.FromSeconds(1), stop).ConfigureAwait(false);
            }
            finally
            {
                _running.TryRemove(work.Job.Id, out _);
            }
        }
    }
}
