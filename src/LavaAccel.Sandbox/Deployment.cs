using LavaAccel.Sandbox.Drivers;

namespace LavaAccel.Sandbox;

/// <summary>
/// The deployment role on one node: hands out locked-down sandboxes — from a pool of pre-created
/// ones where the node keeps one, else started for the job — and keeps the node's usage log.
/// </summary>
public sealed class Deployment : IAsyncDisposable
{
    private readonly Dictionary<SandboxKind, ISandboxDriver> _drivers = [];
    private readonly Dictionary<SandboxKind, ContainerPool> _pools = [];
    private readonly Lock _lock = new();
    private readonly int _poolSize;
    private readonly Task<int> _sweep;
    private readonly System.Collections.Concurrent.ConcurrentDictionary<WorkerSlot, Task> _retiring = new();

    /// <summary>Sandboxes of dead lava processes that this deployment removed when it started.</summary>
    public Task<int> Swept => _sweep;

    /// <summary>Keeps state under <paramref name="lavaHome"/>/sandbox; <paramref name="poolSize"/> ready sandboxes per kind of job (0: start each one for its job).</summary>
    public Deployment(string lavaHome, int poolSize = 0)
    {
        State = new SandboxState(Path.Combine(lavaHome, "sandbox"));
        Usage = new UsageLog(UsageLog.PathIn(lavaHome));
        _poolSize = poolSize;
        // What killed lava processes left behind goes first; in the background, off every job's path.
        _sweep = Task.Run(() => SandboxJanitor.SweepAsync(State));
    }

    /// <summary>Where the sandboxes' files live.</summary>
    public SandboxState State { get; }

    /// <summary>The node's usage log.</summary>
    public UsageLog Usage { get; }

    /// <summary>A sandbox of <paramref name="kind"/> holding <paramref name="image"/>'s worker.</summary>
    public Task<WorkerSlot> AcquireAsync(SandboxKind kind, WorkerImage image, SandboxLimits limits, CancellationToken cancellation = default)
    {
        lock (_lock)
        {
            if (_poolSize > 0)
            {
                if (!_pools.TryGetValue(kind, out var pool))
                {
                    pool = new ContainerPool(Driver(kind), _poolSize);
                    _pools[kind] = pool;
                }
                return pool.TakeAsync(image, limits, cancellation);
            }
            return Driver(kind).StartAsync(image, limits.ContainerPart, cancellation);
        }
    }

    /// <summary>The pool of <paramref name="kind"/>, when this deployment keeps pools.</summary>
    public ContainerPool? Pool(SandboxKind kind)
    {
        lock (_lock)
        {
            return _pools.GetValueOrDefault(kind);
        }
    }

    /// <summary>
    /// Whether used sandboxes are removed off the job's path (a node with pools: the job's result
    /// does not wait for runc to delete its container). A one-shot deployment removes them inline,
    /// so nothing outlives its process.
    /// </summary>
    public bool RetiresInBackground => _poolSize > 0;

    /// <summary>Removes a used sandbox: in the background where <see cref="RetiresInBackground"/>, awaited by <see cref="DisposeAsync"/>.</summary>
    public ValueTask RetireAsync(WorkerSlot slot)
    {
        if (!RetiresInBackground)
        {
            return slot.DisposeAsync();
        }
        var removal = Task.Run(async () =>
        {
            try
            {
                await slot.DisposeAsync().ConfigureAwait(false);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or LavaException or InvalidOperationException)
            {
                // The janitor removes what is left the next time a deployment starts.
                Console.Error.WriteLine($"warning: removing sandbox {slot.Id} failed: {e.Message}");
            }
        });
        _retiring[slot] = removal;
        _ = removal.ContinueWith(_ => _retiring.TryRemove(slot, out Task? _), TaskScheduler.Default);
        return ValueTask.CompletedTask;
    }

    /// <summary>Waits for used sandboxes still being removed.</summary>
    public Task RetiredAsync() => Task.WhenAll([.. _retiring.Values]);

    /// <summary>Destroys pooled sandboxes (after the used ones still being removed).</summary>
    public async ValueTask DisposeAsync()
    {
        try
        {
            await RetiredAsync().ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or LavaException or InvalidOperationException)
        {
            // logged where it happened; the pools must still be removed
        }
        List<ContainerPool> pools;
        lock (_lock)
        {
            pools = [.. _pools.Values];
            _pools.Clear();
        }
        foreach (var pool in pools)
        {
            await pool.DisposeAsync().ConfigureAwait(false);
        }
    }

    private ISandboxDriver Driver(SandboxKind kind)
    {
        if (!_drivers.TryGetValue(kind, out var driver))
        {
            driver = SandboxDrivers.Create(kind, State);
            _drivers[kind] = driver;
        }
        return driver;
    }
}
