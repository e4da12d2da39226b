using System.Diagnostics;
using LavaAccel.Sandbox.Drivers;

namespace LavaAccel.Sandbox;

/// <summary>
/// Pre-created sandboxes, locked down ahead of time with their worker waiting for a job: taking
/// one costs a queue operation instead of a container start. Each slot runs one job and is then
/// destroyed; the pool refills in the background to <see cref="Size"/> ready slots for every
/// (image, limits) it has been asked for — after a taken slot's job is over, so that starting
/// its successor does not compete with the job for the CPU. When none is ready, a caller gets a
/// cold one.
/// </summary>
public sealed class ContainerPool : IAsyncDisposable
{
    private readonly ISandboxDriver _driver;
    private readonly Lock _lock = new();
    private readonly Dictionary<(string Image, SandboxLimits Limits), Shelf> _shelves = [];
    private readonly CancellationTokenSource _closing = new();
    private readonly List<Task> _refills = [];

    /// <summary>A pool of <paramref name="size"/> ready slots per kind of job, made by <paramref name="driver"/>.</summary>
    public ContainerPool(ISandboxDriver driver, int size)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(size);
        _driver = driver;
        Size = size;
    }

    /// <summary>Ready slots kept per (image, limits).</summary>
    public int Size { get; }

    /// <summary>The isolation its slots give.</summary>
    public SandboxKind Kind => _driver.Kind;

    /// <summary>Slots taken ready from the pool, and slots that had to be started cold.</summary>
    public (long Warm, long Cold) Taken { get { lock (_lock) { return (_warm, _cold); } } }

    private long _warm;
    private long _cold;

    /// <summary>Ready slots for <paramref name="image"/> and <paramref name="limits"/>.</summary>
    public int Ready(WorkerImage image, SandboxLimits limits)
    {
        lock (_lock)
        {
            return _shelves.TryGetValue((image.Key, limits.ContainerPart), out var shelf) ? shelf.Ready.Count : 0;
        }
    }

    /// <summary>Starts filling the pool for <paramref name="image"/> and <paramref name="limits"/>.</summary>
    public void Warm(WorkerImage image, SandboxLimits limits)
    {
        lock (_lock)
        {
            Refill(ShelfFor(image, limits.ContainerPart));
        }
    }

    /// <summary>Waits until <paramref name="image"/>/<paramref name="limits"/> has <see cref="Size"/> ready slots.</summary>
    public async Task WaitWarmAsync(WorkerImage image, SandboxLimits limits, TimeSpan timeout)
    {
        Warm(image, limits);
        var clock = Stopwatch.StartNew();
        while (Ready(image, limits) < Size)
        {
            if (clock.Elapsed > timeout)
            {
                throw new LavaException($"the {Kind.Name()} pool did not fill within {timeout.TotalSeconds:0} s");
            }
            await Task.Delay(5).ConfigureAwait(false);
        }
    }

    /// <summary>A ready slot (or a cold one when none is ready); the pool refills behind it.</summary>
    public async Task<WorkerSlot> TakeAsync(WorkerImage image, SandboxLimits limits, CancellationToken cancellation = default)
    {
        var clock = Stopwatch.StartNew();
        lock (_lock)
        {
            var shelf = ShelfFor(image, limits.ContainerPart);
            if (shelf.Ready.TryDequeue(out var slot))
            {
                _warm++;
                shelf.Out++;
                slot.OnReleased(() => Released(shelf));
                slot.StartMs = clock.Elapsed.TotalMilliseconds;
                return slot;
            }
            _cold++;
            Refill(shelf);
        }
        return await _driver.StartAsync(image, limits.ContainerPart, cancellation).ConfigureAwait(false);
    }

    /// <summary>Destroys every ready slot and stops refilling.</summary>
    public async ValueTask DisposeAsync()
    {
        await _closing.CancelAsync().ConfigureAwait(false);
        Task[] refills;
        lock (_lock)
        {
            refills = [.. _refills];
        }
        // Refills catch their own failures.
        await Task.WhenAll(refills).ConfigureAwait(false);
        List<WorkerSlot> idle;
        lock (_lock)
        {
            idle = _shelves.Values.SelectMany(s => s.Ready).ToList();
            _shelves.Clear();
        }
        foreach (var slot in idle)
        {
            await slot.DisposeAsync().ConfigureAwait(false);
        }
        _closing.Dispose();
    }

    /// <summary>
    /// The most (image, limits) kinds kept warm: limits are the users' to choose, so each new kind
    /// beyond this retires the least recently used idle one (its ready slots are removed).
    /// </summary>
    public const int MaxShelves = 8;

    // Called under the lock.
    private Shelf ShelfFor(WorkerImage image, SandboxLimits limits)
    {
        if (!_shelves.TryGetValue((image.Key, limits), out var shelf))
        {
            if (_shelves.Count >= MaxShelves
                && _shelves.Where(s => s.Value.Out == 0 && s.Value.Starting == 0).OrderBy(s => s.Value.LastUsed).FirstOrDefault() is { Value: not null } idle)
            {
                _shelves.Remove(idle.Key);
                var retired = idle.Value.Ready.ToList();
                idle.Value.Ready.Clear();
                _refills.Add(Task.Run(async () =>
                {
                    foreach (var slot in retired)
                    {
                        await slot.DisposeAsync().ConfigureAwait(false);
                    }
                }));
            }
            shelf = new Shelf(image, limits);
            _shelves[(image.Key, limits)] = shelf;
        }
        shelf.LastUsed = Environment.TickCount64;
        return shelf;
    }

    private void Released(Shelf shelf)
    {
        lock (_lock)
        {
            shelf.Out--;
            Refill(shelf);
        }
    }

    // Called under the lock. Slots that are out (running a job) count: their successors start when they return.
    private void Refill(Shelf shelf)
    {
        if (_closing.IsCancellationRequested)
        {
            return;
        }
        _refills.RemoveAll(t => t.IsCompleted);
        while (shelf.Ready.Count + shelf.Starting + shelf.Out < Size)
        {
            shelf.Starting++;
            _refills.Add(Task.Run(async () =>
            {
                WorkerSlot? slot = null;
                try
                {
                    slot = await _driver.StartAsync(shelf.Image, shelf.Limits, _closing.Token).ConfigureAwait(false);
                }
#pragma warning disable CA1031 // a failed refill must not stall the shelf; the next take starts cold and says why
                catch (Exception e)
#pragma warning restore CA1031
                {
                    shelf.LastError = e.Message;
                }
                finally
                {
                    lock (_lock)
                    {
                        shelf.Starting--;
                        if (slot is not null && !_closing.IsCancellationRequested)
                        {
                            shelf.Ready.Enqueue(slot);
                            slot = null;
                        }
                    }
                }
                if (slot is not null)
                {
                    await slot.DisposeAsync().ConfigureAwait(false);
                }
            }));
        }
    }

    private sealed class Shelf(WorkerImage image, SandboxLimits limits)
    {
        public WorkerImage Image { get; } = image;

        public SandboxLimits Limits { get; } = limits;

        public Queue<WorkerSlot> Ready { get; } = new();

        public int Starting { get; set; }

        public int Out { get; set; }

        public long LastUsed { get; set; }

        public string? LastError { get; set; }
    }
}
