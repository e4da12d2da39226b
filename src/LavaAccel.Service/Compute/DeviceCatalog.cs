using LavaAccel.Host;
using System.Text.Json;
using LavaAccel.Api.V1;
using LavaAccel.Cache;
using LavaAccel.Devices;
using LavaAccel.Service.Storage;
using Microsoft.Extensions.Hosting;

namespace LavaAccel.Service.Compute;

/// <summary>
/// The devices this service knows with their live state, kept as a ready-made snapshot: a device
/// query is answered from memory (the state is refreshed when jobs change and on every heartbeat
/// tick), so it costs no database round trip.
/// </summary>
public sealed class DeviceCatalog(JobStore jobs, NodeStore nodes, ServiceOptions options, Slurm.SlurmInventory slurm) : BackgroundService
{
    private static readonly TimeSpan Heartbeat = TimeSpan.FromSeconds(2);
    private readonly Lazy<IReadOnlyList<Device>> _devices = new(() => options.Roles.Contains("compute") ? Discover(options.NodeName) : []);
    private readonly Lock _refreshing = new();
    private ListDevicesResponse? _snapshot;

    /// <summary>The embedded node's devices (none without the compute role).</summary>
    public IReadOnlyList<Device> LocalDevices => _devices.Value;

    /// <summary>Pulsed whenever the snapshot changes.</summary>
    public ChangeSignal Changed { get; } = new();

    /// <summary>The current snapshot (do not modify); the first call waits for discovery.</summary>
    public ListDevicesResponse Snapshot
    {
        get
        {
            if (Volatile.Read(ref _snapshot) is { } ready)
            {
                return ready;
            }
            Refresh();
            return Volatile.Read(ref _snapshot)!;
        }
    }

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        Refresh();
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await Task.WhenAny(jobs.Changed.Next, nodes.Changed.Next, Task.Delay(Heartbeat, stoppingToken)).ConfigureAwait(false);
                stoppingToken.ThrowIfCancellationRequested();
                await Task.Delay(20, stoppingToken).ConfigureAwait(false); // coalesce bursts of job changes
            }
            catch (OperationCanceledException)
            {
                return;
            }
            Refresh();
        }
    }

    /// <summary>Rebuilds the snapshot from the store now.</summary>
    public void Refresh()
    {
        lock (_refreshing)
        {
            Build();
        }
        Changed.Pulse();
    }

    private void Build()
    {
        var (queued, running) = jobs.Load();
        var now = ServiceDatabase.NowMs();
        var free = GC.GetGCMemoryInfo().TotalAvailableMemoryBytes;
        var snapshot = new ListDevicesResponse();
        foreach (var device in _devices.Value)
        {
            var copy = device.Clone();
            copy.State = new DeviceState
            {
                Online = true,
                QueuedJobs = copy.Kind == "cpu" ? queued : 0,
                RunningJobs = copy.Kind == "cpu" ? running : 0,
                FreeMemoryBytes = free,
                HeartbeatUnixMs = now,
            };
            snapshot.Devices.Add(copy);
        }
        foreach (var node in nodes.List().Where(n => n.Alive))
        {
            foreach (var device in node.Devices)
            {
                var copy = device.Clone();
                copy.State = new DeviceState { Online = true, RunningJobs = copy.Kind == "cpu" ? node.RunningJobs : 0, FreeMemoryBytes = node.FreeMemory, HeartbeatUnixMs = node.HeartbeatMs };
                snapshot.Devices.Add(copy);
            }
        }
        if (options.Slurm is not null)
        {
            // The Slurm cluster's nodes as sinfo reports them (their live state is Slurm's).
            foreach (var device in slurm.Nodes().SelectMany(n => n.Devices))
            {
                var copy = device.Clone();
                copy.State = new DeviceState { Online = true, HeartbeatUnixMs = now };
                snapshot.Devices.Add(copy);
            }
        }
        Volatile.Write(ref _snapshot, snapshot);
    }

    /// <summary>This machine's devices as a node named <paramref name="node"/> advertises them (optionally only some targets).</summary>
    public static List<Device> Discover(string node, IReadOnlySet<string>? onlyTargets = null)
    {
        var devices = new List<Device>();
        var seen = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var profile in LavaAccel.Devices.LocalDevices.Discover(LavaHome.Path))
        {
            var n = seen[profile.Id] = seen.GetValueOrDefault(profile.Id) + 1;
            var device = new Device
            {
                Id = $"{node}/{profile.Id}{(n > 1 ? "-" + n : "")}",
                Node = node,
                Kind = profile.Kind,
                Model = profile.Model,
                ProfileJson = JsonSerializer.Serialize(profile, DeviceJsonContext.Default.DeviceProfile),
            };
            device.Targets.AddRange(profile.Targets);
            if (onlyTargets is not null)
            {
                var kept = device.Targets.Where(onlyTargets.Contains).ToList();
                device.Targets.Clear();
                device.Targets.AddRange(kept);
            }
            if (device.Targets.Count > 0 || onlyTargets is null)
            {
                devices.Add(device);
            }
        }
        return devices;
    }
}
