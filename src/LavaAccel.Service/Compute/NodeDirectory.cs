using LavaAccel.Api.V1;
using LavaAccel.Service.Storage;

namespace LavaAccel.Service.Compute;

/// <summary>
/// Every node the controller knows — the embedded one when this process computes, the remote ones
/// that registered — with its state (online, drained, offline), heartbeat age, queue and devices:
/// what <c>lava nodes</c>, the admin API and the dashboard show.
/// </summary>
public sealed class NodeDirectory(NodeStore nodes, JobStore jobs, DeviceCatalog catalog, ServiceOptions options)
{
    /// <summary>The nodes now, by name.</summary>
    public IReadOnlyList<NodeStatus> List()
    {
        var drained = nodes.Drained();
        var queued = jobs.QueuedByNode();
        var running = jobs.RunningByNode();
        var now = ServiceDatabase.NowMs();
        var list = new List<NodeStatus>();
        if (options.Roles.Contains("compute"))
        {
            var local = new NodeStatus
            {
                Name = options.NodeName,
                State = drained.Contains(options.NodeName) ? "drained" : "online",
                Embedded = true,
                RunningJobs = running.GetValueOrDefault(options.NodeName),
                QueuedJobs = queued.GetValueOrDefault(options.NodeName),
                FreeMemoryBytes = GC.GetGCMemoryInfo().TotalAvailableMemoryBytes,
                Workers = options.Workers,
            };
            local.Targets.AddRange(catalog.LocalDevices.SelectMany(d => d.Targets).Distinct(StringComparer.Ordinal));
            local.Devices.AddRange(catalog.LocalDevices.Select(d => $"{d.Kind}: {d.Model}"));
            list.Add(local);
        }
        foreach (var node in nodes.List())
        {
            var status = new NodeStatus
            {
                Name = node.Name,
                State = !node.Alive ? "offline" : drained.Contains(node.Name) ? "drained" : "online",
                HeartbeatAgeMs = Math.Max(0, now - node.HeartbeatMs),
                RunningJobs = node.RunningJobs,
                QueuedJobs = queued.GetValueOrDefault(node.Name),
                FreeMemoryBytes = node.FreeMemory,
                Workers = node.Workers,
            };
            status.Targets.AddRange(node.Targets);
            status.Devices.AddRange(node.Devices.Select(d => $"{d.Kind}: {d.Model}"));
            list.Add(status);
        }
        return list;
    }

    /// <summary>One node, or null.</summary>
    public NodeStatus? Find(string name) => List().FirstOrDefault(n => n.Name == name);

    /// <summary>Drains a node and gives its queued jobs back to placement; null when no such node.</summary>
    public NodeStatus? Drain(string name)
    {
        if (Find(name) is null)
        {
            return null;
        }
        nodes.Drain(name);
        jobs.Unplace(name, $"node {name} was drained; waiting to be placed again");
        return Find(name);
    }

    /// <summary>Lets a drained node take jobs again; null when no such node.</summary>
    public NodeStatus? Resume(string name)
    {
        if (Find(name) is null)
        {
            return null;
        }
        nodes.Resume(name);
        return Find(name);
    }
}
