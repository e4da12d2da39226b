using LavaAccel.Service.Storage;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace LavaAccel.Service.Compute;

/// <summary>
/// The controller's watch over compute nodes: a node silent for <see cref="ServiceOptions.NodeDeadAfter"/>
/// is declared dead and the jobs it was running go back to the queue, for the other nodes.
/// </summary>
public sealed class NodeMonitor(NodeStore nodes, JobStore jobs, ServiceOptions options, ILogger<NodeMonitor> log) : BackgroundService
{
    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(500));
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
        {
            foreach (var node in nodes.ReapSilent(options.NodeDeadAfter))
            {
                log.LogWarning("node {Node} missed its heartbeats for {Seconds} s: declared dead", node, options.NodeDeadAfter.TotalSeconds);
            }
            // Every tick, not only after a reap: a controller killed between the two steps catches up here.
            var requeued = jobs.RequeueOnDeadNodes();
            if (requeued > 0)
            {
                log.LogWarning("{Count} job(s) of dead nodes re-queued", requeued);
            }
        }
    }
}
