using Prometheus;

namespace LavaAccel.Service;

/// <summary>Prometheus metrics of the service (served at <c>/metrics</c>).</summary>
public sealed class ServiceMetrics
{
    private readonly Counter _submitted = Metrics.CreateCounter("lava_jobs_submitted_total", "Jobs accepted by SubmitJob.");
    private readonly Counter _finished = Metrics.CreateCounter("lava_jobs_finished_total", "Jobs that ended, by final state.", "state");
    private readonly Histogram _wall = Metrics.CreateHistogram("lava_job_wall_seconds", "Wall time of jobs on this node, claim to result.",
        new HistogramConfiguration { Buckets = Histogram.ExponentialBuckets(0.001, 2, 20) });
    private readonly Counter _uploaded = Metrics.CreateCounter("lava_package_upload_bytes_total", "Bytes of packages uploaded.");

    /// <summary>A job was accepted.</summary>
    public void Submitted() => _submitted.Inc();

    /// <summary>A job ended.</summary>
    public void Finished(string state, double wallMs)
    {
        _finished.WithLabels(state).Inc();
        _wall.Observe(wallMs / 1000);
    }

    /// <summary>A package upload arrived.</summary>
    public void Uploaded(long bytes) => _uploaded.Inc(bytes);
}
