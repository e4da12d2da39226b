using LavaAccel.Service.Storage;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace LavaAccel.Service.Compute;

/// <summary>
/// The compute role of the single-machine deployment: the node loop (<see cref="NodeWorker"/>) over
/// the store (<see cref="LocalJobSource"/>), and cancel requests from the store passed on to it. On
/// start it re-queues what this node was running when the previous process died, so an accepted
/// job completes (or fails after its node was lost under it three times).
/// </summary>
public sealed class JobExecutor(JobStore jobs, JobRunner runner, ServiceOptions options, ILogger<JobExecutor> log) : BackgroundService
{
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
        var worker = new NodeWorker(new LocalJobSource(jobs, Node), runner, Node, log);
        return Task.WhenAll(worker.RunAsync(options.Workers, stoppingToken), Task.Run(() => WatchCancellationsAsync(worker, stoppingToken), stoppingToken));
    }

    // Cancel requests arrive in the store (from any access node); stop the kernels they name.
    private async Task WatchCancellationsAsync(NodeWorker worker, CancellationToken stopping)
    {
        while (!stopping.IsCancellationRequested)
        {
            await jobs.Changed.WaitAsync(TimeSpan.FromMilliseconds(500), stopping).ConfigureAwait(false);
            foreach (var id in worker.Running)
            {
                try
                {
                    if (jobs.CancelRequested(id))
                    {
                        await worker.CancelAsync(id).ConfigureAwait(false);
                    }
                }
                catch (Microsoft.Data.Sqlite.SqliteException e)
                {
                    log.LogWarning("checking cancellations failed: {Message}", e.Message);
                }
            }
        }
    }
}
