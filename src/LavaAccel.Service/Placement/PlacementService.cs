using LavaAccel.Api.V1;
using LavaAccel.Cache;
using LavaAccel.Scheduling;
using LavaAccel.Service.Compute;
using LavaAccel.Service.Storage;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace LavaAccel.Service.Placement;

/// <summary>
/// The controller's scheduler at work: after every change of jobs or nodes (and each second, as
/// running jobs age) it places the queue over the live nodes (<see cref="ClusterPlacer"/>) and
/// writes each job's node, device, target, explanation and pending reason; nodes claim only what
/// was placed on them. The performance history it estimates from is the controller's own
/// (<c>DATA/history.tsv</c>), fed by every node's results.
/// </summary>
public sealed class PlacementService : BackgroundService
{
    private readonly JobStore _jobs;
    private readonly NodeStore _nodes;
    private readonly PackageStore _packages;
    private readonly VariantCache _cache;
    private readonly DeviceCatalog _catalog;
    private readonly ServiceOptions _options;
    private readonly ILogger<PlacementService> _log;
    private readonly Slurm.SlurmInventory _slurm;
    private readonly ClusterPlacer _placer;
    private readonly Lock _placing = new();
    private readonly Dictionary<(string Digest, string Target), (string Key, bool Hit)> _keys = [];

    /// <summary>Creates the service; the history is read from the data directory.</summary>
    public PlacementService(JobStore jobs, NodeStore nodes, PackageStore packages, VariantCache cache, DeviceCatalog catalog, ServiceOptions options, Slurm.SlurmInventory slurm, ILogger<PlacementService> log)
    {
        (_jobs, _nodes, _packages, _cache, _catalog, _options, _slurm, _log) = (jobs, nodes, packages, cache, catalog, options, slurm, log);
        History = new PerformanceHistory(Path.Combine(options.DataDirectory, "history.tsv"));
        _placer = new ClusterPlacer(History);
        jobs.Succeeded += run =>
        {
            if (LavaAccel.Execution.Runners.RunnerRegistry.For(TargetId.Parse(run.Target)) is var runner && runner.FeedsHistory(TargetId.Parse(run.Target)))
            {
                History.Record(run.KernelKey, run.Target, run.Profile, run.WorkItems, run.Seconds);
            }
        };
    }

    /// <summary>The controller's performance history.</summary>
    public PerformanceHistory History { get; }

    /// <summary>Why no live node can run the job, or null when one can (submit refuses such jobs unless asked to queue them).</summary>
    public string? Unplaceable(PendingJob job)
    {
        lock (_placing)
        {
            return _placer.Unplaceable([.. LiveNodes(), .. PilotNodes()], job);
        }
    }

    /// <summary>Places the queue now; returns how many jobs' placement changed.</summary>
    public int PlaceNow()
    {
        lock (_placing)
        {
            var pending = _jobs.Pending(ClusterPlacer.MaxPerPass);
            var placed = _placer.Place(LiveNodes(), _jobs.RunningEstimates(), pending, Compiled, ServiceDatabase.NowMs());
            if (PilotNodes() is { Count: > 0 } pilots)
            {
                // Pilot mode: a job no pilot runs yet waits for one that Slurm can start.
                var byId = pending.ToDictionary(j => j.Id, StringComparer.Ordinal);
                placed = [.. placed.Select(p => p.Placed || _placer.Unplaceable(pilots, byId[p.JobId]) is not null ? p
                    : p with { Reason = "Resources: waiting for a Slurm pilot that can run it to start" })];
            }
            return _jobs.ApplyPlacements(placed);
        }
    }

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            var changed = Task.WhenAny(_jobs.Changed.Next, _nodes.Changed.Next);
            try
            {
                PlaceNow();
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // A pass that fails (a busy database) is retried; placement must outlive it.
                _log.LogWarning("placing the queue failed: {Message}", e.Message);
            }
            try
            {
                await Task.WhenAny(changed, Task.Delay(TimeSpan.FromSeconds(1), stoppingToken)).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    // Every node that takes jobs now: the embedded one (when this process computes) and the live remote ones.
    private List<ClusterNode> LiveNodes()
    {
        var nodes = new List<ClusterNode>();
        var drained = _nodes.Drained();
        if (_options.Roles.Contains("compute") && !drained.Contains(_options.NodeName))
        {
            nodes.Add(new ClusterNode(_options.NodeName, _options.Workers, _catalog.LocalDevices));
        }
        nodes.AddRange(_nodes.List().Where(n => n.Alive && !drained.Contains(n.Name)).Select(n => new ClusterNode(n.Name, n.Workers, n.Devices)));
        if (_options.Slurm is { Mode: "job" })
        {
            nodes.AddRange(_slurm.Nodes()); // one Slurm job per lava job, on the node placed
        }
        return nodes;
    }

    // Pilot mode: the Slurm nodes a pilot could start on (what can wait rather than be refused).
    private IReadOnlyList<ClusterNode> PilotNodes() => _options.Slurm is { Mode: "pilot" } ? _slurm.Nodes() : [];

    // Whether the controller's cache holds the variant (nodes fetch it from there instead of
    // compiling). Keys are worked out once per package and target; a hit is remembered.
    private bool Compiled(string digest, TargetId target)
    {
        if (_keys.Count > 65_536)
        {
            _keys.Clear();
        }
        if (!_keys.TryGetValue((digest, target.ToString()), out var entry))
        {
            try
            {
                entry = (VariantKey.Compute(_packages.Load(digest), target), false);
            }
            catch (LavaException)
            {
                entry = ("", false);
            }
        }
        if (!entry.Hit && entry.Key.Length > 0 && _cache.Actions.Get(entry.Key)?.Blob is not null)
        {
            entry.Hit = true;
        }
        _keys[(digest, target.ToString())] = entry;
        return entry.Hit;
    }
}
