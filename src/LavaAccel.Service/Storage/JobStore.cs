using Google.Protobuf;
using LavaAccel.Api.V1;
using Microsoft.Data.Sqlite;

namespace LavaAccel.Service.Storage;

/// <summary>
/// The controller's job queue and state machine in SQLite. A job is stored before SubmitJob
/// replies; a node claims it (queued → running) and its result, outputs and usage are written in
/// one transaction that only applies while the job is still running — so a job ends exactly once,
/// and a controller restarted after a crash re-queues what was running and runs it again.
/// </summary>
public sealed class JobStore(ServiceDatabase database)
{
    private const string Columns = "id, state, owner, package_digest, kernel, target, node, error, kernel_ms, created_ms, started_ms, finished_ms, attempts, wall_ms, cpu_ms, device_ms, peak_bytes, cache_hit";

    /// <summary>Pulsed after every change of a job's state.</summary>
    public ChangeSignal Changed { get; } = new();

    /// <summary>
    /// Stores a new job for <paramref name="user"/> after checking their quotas in the same
    /// transaction; throws <see cref="QuotaExceededException"/> when one would be exceeded.
    /// </summary>
    public Job Submit(UserAccount user, SubmitJobRequest request, long memoryLimit, bool csharp = false)
    {
        var id = "j-" + Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(8));
        var now = ServiceDatabase.NowMs();
        using var connection = database.Open();
        using var transaction = connection.BeginTransaction(deferred: false);
        if (user.MaxJobs is { } maxJobs)
        {
            var active = (long)ServiceDatabase.Scalar(connection, "SELECT COUNT(*) FROM jobs WHERE owner = $o AND state IN ('queued', 'running')", ("$o", user.Name))!;
            if (active >= maxJobs)
            {
                throw new QuotaExceededException($"user '{user.Name}' has {active} jobs queued or running; the quota is {maxJobs}");
            }
        }
        if (user.MaxDeviceSeconds is { } maxSeconds)
        {
            var used = Convert.ToDouble(ServiceDatabase.Scalar(connection, "SELECT IFNULL(SUM(device_ms), 0) FROM jobs WHERE owner = $o", ("$o", user.Name)), System.Globalization.CultureInfo.InvariantCulture) / 1000;
            if (used >= maxSeconds)
            {
                throw new QuotaExceededException($"user '{user.Name}' has used {used:0.###} device-seconds; the quota is {maxSeconds:0.###}");
            }
        }
        ServiceDatabase.Execute(connection, """
            INSERT INTO jobs(id, seq, owner, package_digest, kernel, requested_target, code_kind, request, state, memory_limit, created_ms)
            VALUES($id, (SELECT IFNULL(MAX(seq), 0) + 1 FROM jobs), $o, $p, $k, $t, $kind, $r, 'queued', $m, $c)
            """, ("$kind", csharp ? "ilgpu" : "lava-ir"),
            ("$id", id), ("$o", user.Name), ("$p", request.PackageDigest), ("$k", request.Kernel), ("$t", request.Target == "auto" ? "" : request.Target),
            ("$r", request.ToByteArray()), ("$m", memoryLimit), ("$c", now));
        transaction.Commit();
        Changed.Pulse();
        return Get(id)!;
    }

    /// <summary>A job, or null; with <paramref name="owner"/> only that user's.</summary>
    public Job? Get(string id, string? owner = null)
    {
        using var connection = database.Open();
        using var command = ServiceDatabase.Command(connection, $"SELECT {Columns} FROM jobs WHERE id = $id AND ($o IS NULL OR owner = $o)", ("$id", id), ("$o", owner));
        using var reader = command.ExecuteReader();
        return reader.Read() ? Read(reader) : null;
    }

    /// <summary>A user's jobs (all users' with a null owner), newest first.</summary>
    public IReadOnlyList<Job> List(string? owner, string? state, int limit)
    {
        using var connection = database.Open();
        using var command = ServiceDatabase.Command(connection,
            $"SELECT {Columns} FROM jobs WHERE ($o IS NULL OR owner = $o) AND ($s IS NULL OR state = $s) ORDER BY seq DESC LIMIT $l",
            ("$o", owner), ("$s", string.IsNullOrEmpty(state) ? null : state), ("$l", limit));
        using var reader = command.ExecuteReader();
        var jobs = new List<Job>();
        while (reader.Read())
        {
            jobs.Add(Read(reader));
        }
        return jobs;
    }

    /// <summary>
    /// Claims the oldest queued job for <paramref name="node"/> (queued → running), or null. With
    /// <paramref name="targets"/>, only jobs that asked for one of them or for none (auto). When its
    /// owner has a device-seconds quota, the request's time limit is cut to what is left of it, so
    /// a running job cannot cross the quota (on this node or a remote one).
    /// </summary>
    public ClaimedJob? ClaimNext(string node, IReadOnlyCollection<string>? targets = null, bool remote = false)
    {
        using var connection = database.Open();
        using var command = ServiceDatabase.Command(connection, """
            UPDATE jobs SET state = 'running', node = $n, started_ms = $t, attempts = attempts + 1
            WHERE id = (SELECT id FROM jobs WHERE state = 'queued'
                        AND ($targets IS NULL OR instr($targets, ',' || requested_target || ',') > 0
                             OR requested_target = '' AND (code_kind = 'lava-ir' OR instr($targets, ',ilgpu/') > 0))
                        ORDER BY seq LIMIT 1)
              AND state = 'queued'
              AND ($remote = 0 OR EXISTS (SELECT 1 FROM nodes WHERE name = $n AND alive = 1))
            RETURNING id, request, memory_limit
            """, ("$n", node), ("$t", ServiceDatabase.NowMs()), ("$targets", targets is null ? null : "," + string.Join(',', targets) + ","), ("$remote", remote ? 1 : 0));
        string id;
        byte[] request;
        long memory;
        using (var reader = command.ExecuteReader())
        {
            if (!reader.Read())
            {
                return null;
            }
            id = reader.GetString(0);
            request = (byte[])reader.GetValue(1);
            memory = reader.GetInt64(2);
        }
        Changed.Pulse();
        var job = Get(id)!;
        var parsed = SubmitJobRequest.Parser.ParseFrom(request);
        var left = GrantDeviceSeconds(job, parsed);
        return new ClaimedJob(job, parsed, memory, left);
    }

    // The owner's device-seconds quota, less what they used and what their other running jobs
    // were granted: jobs claimed at the same moment share what is left instead of each getting
    // all of it. This job's time limit is cut to its share, and the grant recorded.
    private double? GrantDeviceSeconds(Job job, SubmitJobRequest request)
    {
        using var connection = database.Open();
        using var transaction = connection.BeginTransaction(deferred: false);
        if (ServiceDatabase.Scalar(connection, """
            SELECT u.max_device_seconds
                   - IFNULL((SELECT SUM(device_ms) FROM jobs WHERE owner = u.name), 0) / 1000.0
                   - IFNULL((SELECT SUM(granted_seconds) FROM jobs WHERE owner = u.name AND state = 'running' AND id <> $id), 0)
            FROM users u WHERE u.name = $o AND u.max_device_seconds IS NOT NULL
            """, ("$o", job.Owner), ("$id", job.Id)) is not double left)
        {
            return null;
        }
        if (request.TimeLimitSeconds <= 0 || request.TimeLimitSeconds > left)
        {
            request.TimeLimitSeconds = Math.Max(left, 0.001);
        }
        ServiceDatabase.Execute(connection, "UPDATE jobs SET granted_seconds = $g WHERE id = $id", ("$g", request.TimeLimitSeconds), ("$id", job.Id));
        transaction.Commit();
        return left;
    }

    /// <summary>
    /// Writes a run's result, outputs and usage in one transaction, only if the job is still
    /// running on <paramref name="node"/>; returns whether it applied.
    /// </summary>
    public bool Finish(string id, string node, JobResult result, int? attempt = null)
    {
        using var connection = database.Open();
        using var transaction = connection.BeginTransaction(deferred: false);
        var applied = ServiceDatabase.Execute(connection, """
            UPDATE jobs SET state = $s, error = $e, target = $tg, kernel_ms = $k, cache_hit = $h, finished_ms = $f,
                wall_ms = $w, cpu_ms = $c, device_ms = $d, peak_bytes = $p
            WHERE id = $id AND state = 'running' AND node = $n AND ($a IS NULL OR attempts = $a)
            """,
            ("$s", result.State), ("$e", result.Error), ("$tg", result.Target), ("$k", result.KernelMs), ("$h", result.CacheHit ? 1 : 0),
            ("$f", ServiceDatabase.NowMs()), ("$w", result.Usage.WallMs), ("$c", result.Usage.CpuMs), ("$d", result.Usage.DeviceMs),
            ("$p", result.Usage.PeakMemoryBytes), ("$id", id), ("$n", node), ("$a", attempt)) == 1;
        if (applied)
        {
            foreach (var output in result.Outputs)
            {
                ServiceDatabase.Execute(connection, "INSERT OR REPLACE INTO outputs(job_id, name, npy) VALUES($id, $n, $b)", ("$id", id), ("$n", output.Name), ("$b", output.Npy.ToByteArray()));
            }
        }
        transaction.Commit();
        Changed.Pulse();
        return applied;
    }

    /// <summary>
    /// Cancels a queued job at once; asks a running one to stop (the executor finishes it as
    /// cancelled). Returns the job, or null when <paramref name="owner"/> has no such job.
    /// </summary>
    public Job? Cancel(string id, string? owner)
    {
        using var connection = database.Open();
        using var transaction = connection.BeginTransaction(deferred: false);
        ServiceDatabase.Execute(connection, "UPDATE jobs SET state = 'cancelled', finished_ms = $f WHERE id = $id AND ($o IS NULL OR owner = $o) AND state = 'queued'",
            ("$f", ServiceDatabase.NowMs()), ("$id", id), ("$o", owner));
        ServiceDatabase.Execute(connection, "UPDATE jobs SET cancel_requested = 1 WHERE id = $id AND ($o IS NULL OR owner = $o) AND state = 'running'", ("$id", id), ("$o", owner));
        transaction.Commit();
        Changed.Pulse();
        return Get(id, owner);
    }

    /// <summary>Running jobs of <paramref name="node"/> that users asked to cancel.</summary>
    public IReadOnlyList<string> CancelRequests(string node)
    {
        using var connection = database.Open();
        return ServiceDatabase.Strings(connection, "SELECT id FROM jobs WHERE node = $n AND state = 'running' AND cancel_requested = 1", ("$n", node));
    }

    /// <summary>Whether someone asked to cancel a running job.</summary>
    public bool CancelRequested(string id)
    {
        using var connection = database.Open();
        return ServiceDatabase.Scalar(connection, "SELECT cancel_requested FROM jobs WHERE id = $id", ("$id", id)) is long flag && flag != 0;
    }

    /// <summary>
    /// A job running on a node that stopped (crashed, was killed, lost its machine) is run again —
    /// unless nodes were lost under it this many times: then it may be what takes them down, and it
    /// fails instead of being re-queued forever.
    /// </summary>
    public const int MaxNodeLosses = 3;

    /// <summary>Puts the jobs a node was running when it stopped back in the queue (a restarted node's own); returns how many.</summary>
    public int Requeue(string node) => RequeueRunning("node = $n", lost: true, ("$n", node));

    /// <summary>
    /// Re-queues jobs the store has running on <paramref name="node"/> that the node does not
    /// report (a claim reply or a result lost on the way), once they are older than
    /// <paramref name="grace"/> (a claim reply may still be in flight).
    /// </summary>
    public int RequeueUnreported(string node, IReadOnlyCollection<string> reported, TimeSpan grace) =>
        RequeueRunning("node = $n AND started_ms <= $before AND instr($reported, ',' || id || ',') = 0", lost: false,
            ("$n", node), ("$before", ServiceDatabase.NowMs() - (long)grace.TotalMilliseconds), ("$reported", "," + string.Join(',', reported) + ","));

    /// <summary>Re-queues every job running on a node that is registered but declared dead (also after a crash between the two steps).</summary>
    public int RequeueOnDeadNodes() => RequeueRunning("node IN (SELECT name FROM nodes WHERE alive = 0)", lost: true);

    // Running jobs matching the condition go back to the queue — or end cancelled, when someone
    // asked to cancel them: a job being cancelled is not run again; or end failed, when their node
    // was lost (not merely a lost message) under them MaxNodeLosses times.
    private int RequeueRunning(string condition, bool lost, params (string Name, object? Value)[] parameters)
    {
        using var connection = database.Open();
        var count = ServiceDatabase.Execute(connection, $"""
            UPDATE jobs SET node_losses = node_losses + $lost,
                state = CASE WHEN cancel_requested = 1 THEN 'cancelled'
                             WHEN node_losses + $lost >= $max THEN 'failed' ELSE 'queued' END,
                error = CASE WHEN cancel_requested = 0 AND node_losses + $lost >= $max
                             THEN 'its node stopped while running it ' || (node_losses + $lost) || ' times: it is not run again (it may be what takes its node down)'
                             ELSE error END,
                node = CASE WHEN cancel_requested = 1 OR node_losses + $lost >= $max THEN node ELSE '' END,
                finished_ms = CASE WHEN cancel_requested = 1 OR node_losses + $lost >= $max THEN $now ELSE finished_ms END
            WHERE state = 'running' AND {condition}
            """, [.. parameters, ("$now", ServiceDatabase.NowMs()), ("$lost", lost ? 1 : 0), ("$max", MaxNodeLosses)]);
        if (count > 0)
        {
            Changed.Pulse();
        }
        return count;
    }

    /// <summary>The attempt a job is on (its claim count).</summary>
    public int AttemptOf(string id)
    {
        using var connection = database.Open();
        return ServiceDatabase.Scalar(connection, "SELECT attempts FROM jobs WHERE id = $id", ("$id", id)) is long n ? (int)n : 0;
    }

    /// <summary>The outputs of a job.</summary>
    public IReadOnlyList<JobOutput> Outputs(string id)
    {
        using var connection = database.Open();
        using var command = ServiceDatabase.Command(connection, "SELECT name, npy FROM outputs WHERE job_id = $id ORDER BY name", ("$id", id));
        using var reader = command.ExecuteReader();
        var outputs = new List<JobOutput>();
        while (reader.Read())
        {
            outputs.Add(new JobOutput { Name = reader.GetString(0), Npy = ByteString.CopyFrom((byte[])reader.GetValue(1)) });
        }
        return outputs;
    }

    /// <summary>Queued and running jobs (for device state).</summary>
    public (int Queued, int Running) Load()
    {
        using var connection = database.Open();
        using var command = ServiceDatabase.Command(connection, "SELECT SUM(state = 'queued'), SUM(state = 'running') FROM jobs WHERE state IN ('queued', 'running')");
        using var reader = command.ExecuteReader();
        reader.Read();
        return (reader.IsDBNull(0) ? 0 : reader.GetInt32(0), reader.IsDBNull(1) ? 0 : reader.GetInt32(1));
    }

    /// <summary>A user's usage summary.</summary>
    public UsageSummary Usage(string user)
    {
        using var connection = database.Open();
        using var command = ServiceDatabase.Command(connection, """
            SELECT COUNT(*), IFNULL(SUM(state = 'succeeded'), 0), IFNULL(SUM(state = 'failed'), 0),
                   IFNULL(SUM(cpu_ms), 0), IFNULL(SUM(device_ms), 0), IFNULL(MAX(peak_bytes), 0)
            FROM jobs WHERE owner = $o
            """, ("$o", user));
        using var reader = command.ExecuteReader();
        reader.Read();
        return new UsageSummary
        {
            User = user,
            Jobs = reader.GetInt64(0),
            Succeeded = reader.GetInt64(1),
            Failed = reader.GetInt64(2),
            CpuSeconds = reader.GetDouble(3) / 1000,
            DeviceSeconds = reader.GetDouble(4) / 1000,
            PeakMemoryBytes = reader.GetInt64(5),
        };
    }

    private static Job Read(SqliteDataReader r) => new()
    {
        Id = r.GetString(0),
        State = r.GetString(1),
        Owner = r.GetString(2),
        PackageDigest = r.GetString(3),
        Kernel = r.GetString(4),
        Target = r.GetString(5),
        Node = r.GetString(6),
        Error = r.GetString(7),
        KernelMs = r.GetDouble(8),
        CreatedUnixMs = r.GetInt64(9),
        StartedUnixMs = r.GetInt64(10),
        FinishedUnixMs = r.GetInt64(11),
        Attempts = r.GetInt32(12),
        Usage = new JobUsage { WallMs = r.GetDouble(13), CpuMs = r.GetDouble(14), DeviceMs = r.GetDouble(15), PeakMemoryBytes = r.GetInt64(16) },
        CacheHit = r.GetInt64(17) != 0,
    };
}
