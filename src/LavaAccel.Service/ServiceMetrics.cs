using LavaAccel.Service.Storage;
using Prometheus;

namespace LavaAccel.Service;

/// <summary>
/// Prometheus metrics of the service (served at <c>/metrics</c>): jobs submitted and ended (every
/// end counted once, where the store records it: by a node, a cancel or a lost node), their wall
/// time, uploads; and, read from the store at each scrape, the queue depth and running jobs per
/// target and the nodes by state.
/// </summary>
public sealed class ServiceMetrics
{
    /// <summary>This service's own registry (several services in one process, as in tests, do not mix; .NET's event-counter metrics, which fail promtool's lint, are not in it).</summary>
    public CollectorRegistry Registry { get; } = Metrics.NewCustomRegistry();

    private readonly Counter _submitted;
    private readonly Counter _finished;
    private readonly Histogram _wall;
    private readonly Counter _uploaded;
    private readonly Gauge _jobs;
    private readonly Gauge _nodes;

    /// <summary>Counts every job end the store records, and refreshes the gauges before each scrape.</summary>
    public ServiceMetrics(JobStore jobs, NodeStore nodes, ServiceOptions options)
    {
        var factory = Metrics.WithCustomRegistry(Registry);
        _submitted = factory.CreateCounter("lava_jobs_submitted_total", "Jobs accepted by SubmitJob.");
        _finished = factory.CreateCounter("lava_jobs_finished_total", "Jobs that ended, by final state.", "state");
        _wall = factory.CreateHistogram("lava_job_wall_seconds", "Wall time of jobs on their node, claim to result.",
            new HistogramConfiguration { Buckets = Histogram.ExponentialBuckets(0.001, 2, 20) });
        _uploaded = factory.CreateCounter("lava_package_upload_bytes_total", "Bytes of packages uploaded.");
        _jobs = factory.CreateGauge("lava_jobs", "Jobs queued or running now, by state and target (the placed or asked target; auto before placement).", "state", "target");
        _nodes = factory.CreateGauge("lava_nodes", "Compute nodes known to the controller, by state (alive or dead; the embedded node counts as alive).", "state");
        jobs.Ended += (state, wallMs) =>
        {
            _finished.WithLabels(state).Inc();
            if (wallMs > 0)
            {
                _wall.Observe(wallMs / 1000);
            }
        };
        Registry.AddBeforeCollectCallback(() =>
        {
            foreach (var labels in _jobs.GetAllLabelValues().ToList())
            {
                _jobs.WithLabels(labels).Set(0);
            }
            foreach (var (state, target, count) in jobs.CountsByTarget())
            {
                _jobs.WithLabels(state, target).Set(count);
            }
            var known = nodes.List();
            _nodes.WithLabels("alive").Set(known.Count(n => n.Alive) + (options.Roles.Contains("compute") ? 1 : 0));
            _nodes.WithLabels("dead").Set(known.Count(n => !n.Alive));
        });
    }

    /// <summary>A job was accepted.</summary>
    public void Submitted() => _submitted.Inc();

    /// <summary>A package upload arrived.</summary>
    public void Uploaded(long bytes) => _uploaded.Inc(bytes);
}
