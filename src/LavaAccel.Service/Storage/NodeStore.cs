using Google.Protobuf;
using LavaAccel.Api.V1;

namespace LavaAccel.Service.Storage;

/// <summary>A compute node as the controller knows it.</summary>
/// <param name="Name">Node name (the CN of its certificate).</param>
/// <param name="Devices">Its devices as it registered them.</param>
/// <param name="Targets">Every target its devices run.</param>
/// <param name="HeartbeatMs">Last heartbeat (Unix ms).</param>
/// <param name="Alive">Not yet declared dead.</param>
/// <param name="RunningJobs">Jobs it reported running.</param>
/// <param name="FreeMemory">Free memory it reported.</param>
/// <param name="Workers">Jobs it runs at once.</param>
public sealed record NodeRecord(string Name, IReadOnlyList<Device> Devices, IReadOnlyList<string> Targets, long HeartbeatMs, bool Alive, int RunningJobs, long FreeMemory, int Workers);

/// <summary>Registered compute nodes and their heartbeats, in the controller's database.</summary>
public sealed class NodeStore(ServiceDatabase database)
{
    /// <summary>Pulsed when a node registers, dies or reports new state.</summary>
    public ChangeSignal Changed { get; } = new();

    /// <summary>Registers (or re-registers) a node with its devices.</summary>
    public void Register(string name, IReadOnlyList<Device> devices, int workers = 1)
    {
        var list = new ListDevicesResponse();
        list.Devices.AddRange(devices);
        var targets = string.Join(',', devices.SelectMany(d => d.Targets).Distinct(StringComparer.Ordinal));
        var now = ServiceDatabase.NowMs();
        using var connection = database.Open();
        ServiceDatabase.Execute(connection, """
            INSERT INTO nodes(name, devices, targets, registered_ms, heartbeat_ms, alive, workers) VALUES($n, $d, $t, $now, $now, 1, $w)
            ON CONFLICT(name) DO UPDATE SET devices = $d, targets = $t, registered_ms = $now, heartbeat_ms = $now, alive = 1, workers = $w
            """, ("$n", name), ("$d", list.ToByteArray()), ("$t", targets), ("$now", now), ("$w", Math.Clamp(workers, 1, 1024)));
        Changed.Pulse();
    }

    /// <summary>Records a heartbeat; false when the node is unknown or was declared dead (it must register again).</summary>
    public bool Heartbeat(string name, int runningJobs, long freeMemory)
    {
        using var connection = database.Open();
        var alive = ServiceDatabase.Execute(connection, "UPDATE nodes SET heartbeat_ms = $t, running_jobs = $r, free_memory = $f WHERE name = $n AND alive = 1",
            ("$t", ServiceDatabase.NowMs()), ("$r", runningJobs), ("$f", freeMemory), ("$n", name)) == 1;
        return alive;
    }

    /// <summary>Every node (alive or not).</summary>
    public IReadOnlyList<NodeRecord> List()
    {
        using var connection = database.Open();
        using var command = ServiceDatabase.Command(connection, "SELECT name, devices, targets, heartbeat_ms, alive, running_jobs, free_memory, workers FROM nodes ORDER BY name");
        using var reader = command.ExecuteReader();
        var nodes = new List<NodeRecord>();
        while (reader.Read())
        {
            var devices = ListDevicesResponse.Parser.ParseFrom((byte[])reader.GetValue(1)).Devices;
            nodes.Add(new NodeRecord(reader.GetString(0), devices, reader.GetString(2).Split(',', StringSplitOptions.RemoveEmptyEntries),
                reader.GetInt64(3), reader.GetInt64(4) != 0, reader.GetInt32(5), reader.GetInt64(6), reader.GetInt32(7)));
        }
        return nodes;
    }

    /// <summary>The targets of a live node, or null when it is not registered and alive (one row, no device parsing: claims ask often).</summary>
    public IReadOnlyList<string>? TargetsOf(string name)
    {
        using var connection = database.Open();
        return ServiceDatabase.Scalar(connection, "SELECT targets FROM nodes WHERE name = $n AND alive = 1", ("$n", name)) is string targets
            ? targets.Split(',', StringSplitOptions.RemoveEmptyEntries)
            : null;
    }

    /// <summary>A node that said goodbye: no longer alive (it registers again when it comes back).</summary>
    public void Leave(string name)
    {
        using var connection = database.Open();
        ServiceDatabase.Execute(connection, "UPDATE nodes SET alive = 0, running_jobs = 0 WHERE name = $n", ("$n", name));
        Changed.Pulse();
    }

    /// <summary>Declares nodes whose last heartbeat is older than <paramref name="deadAfter"/> dead; returns their names.</summary>
    public IReadOnlyList<string> ReapSilent(TimeSpan deadAfter)
    {
        var limit = ServiceDatabase.NowMs() - (long)deadAfter.TotalMilliseconds;
        using var connection = database.Open();
        var dead = ServiceDatabase.Strings(connection, "UPDATE nodes SET alive = 0 WHERE alive = 1 AND heartbeat_ms < $l RETURNING name", ("$l", limit));
        if (dead.Count > 0)
        {
            Changed.Pulse();
        }
        return dead;
    }

    /// <summary>Drains a node (remote or embedded): it finishes what it runs and claims nothing new.</summary>
    public void Drain(string name)
    {
        using var connection = database.Open();
        ServiceDatabase.Execute(connection, "INSERT OR IGNORE INTO drained_nodes(name, since_ms) VALUES($n, $t)", ("$n", name), ("$t", ServiceDatabase.NowMs()));
        Changed.Pulse();
    }

    /// <summary>Lets a drained node take jobs again; false when it was not drained.</summary>
    public bool Resume(string name)
    {
        using var connection = database.Open();
        var resumed = ServiceDatabase.Execute(connection, "DELETE FROM drained_nodes WHERE name = $n", ("$n", name)) == 1;
        Changed.Pulse();
        return resumed;
    }

    /// <summary>Names of the drained nodes.</summary>
    public IReadOnlySet<string> Drained()
    {
        using var connection = database.Open();
        return ServiceDatabase.Strings(connection, "SELECT name FROM drained_nodes").ToHashSet(StringComparer.Ordinal);
    }
}
