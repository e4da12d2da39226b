using Google.Protobuf;
using LavaAccel.Api.V1;
using LavaAccel.Scheduling;
using LavaAccel.Service.Placement;
using Microsoft.Data.Sqlite;

namespace LavaAccel.Service.Storage;

/// <summary>A run the controller's history learns from: the kernel, target and device profile, its size and its kernel time.</summary>
public sealed record FinishedRun(string KernelKey, string Target, string Profile, long WorkItems, double Seconds);

/// <summary>
/// The controller's job queue and state machine in SQLite. A job is stored before SubmitJob
/// replies; a node claims it (queued → running) and its result, outputs and usage are written in
/// one transaction that only applies while the job is still running — so a job ends exactly once,
/// and a controller restarted after a crash re-queues what was running and runs it again.
/// </summary>
public sealed class JobStore(ServiceDatabase database)
{
    private const string Columns = "id, state, owner, package_digest, kernel, target, node, error, kernel_ms, created_ms, started_ms, finished_ms, attempts, wall_ms, cpu_ms, device_ms, peak_bytes, cache_hit, placed_device, requested_target, reason, placement";

    /// <summary>Pulsed after every change of a job's state.</summary>
    public ChangeSignal Changed { get; } = new();

    /// <summary>Pulsed when the controller placed queued jobs on other nodes than before (nodes claim what was placed on them).</summary>
    public ChangeSignal Placed { get; } = new();

    /// <summary>Raised once for every job that ends (succeeded, failed, cancelled — by a node, a cancel or a lost node), with its wall time in ms.</summary>
    public event Action<string, double>? Ended;

    /// <summary>Raised after a job succeeded, with what the controller's history learns from it.</summary>
    public event Action<FinishedRun>? Succeeded;

    /// <summary>
    /// Stores a new job for <paramref name="user"/> after checking their quotas in the same
    /// transaction; throws <see cref="QuotaExceededException"/> when one would be exceeded.
    /// </summary>
    public Job Submit(UserAccount user, SubmitJobRequest request, long memoryLimit, bool csharp, KernelWork work)
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
                throw new QuotaExceededException(user.Name, $"user '{user.Name}' has {active} jobs queued or running; the quota is {maxJobs}");
            }
        }
        if (user.MaxDeviceSeconds is { } maxSeconds)
        {
            var used = Convert.ToDouble(ServiceDatabase.Scalar(connection, "SELECT IFNULL(SUM(device_ms), 0) FROM jobs WHERE owner = $o", ("$o", user.Name)), System.Globalization.CultureInfo.InvariantCulture) / 1000;
            if (used >= maxSeconds)
            {
                throw new QuotaExceededException(user.Name, $"user '{user.Name}' has used {used:0.###} device-seconds; the quota is {maxSeconds:0.###}");
            }
        }
        ServiceDatabase.Execute(connection, """
            INSERT INTO jobs(id, seq, owner, package_digest, kernel, requested_target, code_kind, request, state, memory_limit, created_ms,
                             require_kind, queue_unplaceable, work_key, work_flops, work_bytes, work_items, work_buffer, work_features)
            VALUES($id, (SELECT IFNULL(MAX(seq), 0) + 1 FROM jobs), $o, $p, $k, $t, $kind, $r, 'queued', $m, $c,
                   $rq, $qu, $wk, $wf, $wb, $wi, $wbuf, $wfeat)
            """, ("$kind", csharp ? "ilgpu" : "lava-ir"),
            ("$rq", request.Require), ("$qu", request.QueueUnplaceable ? 1 : 0), ("$wk", work.KernelKey), ("$wf", work.FlopsPerItem), ("$wb", work.BytesPerItem),
            ("$wi", work.WorkItems), ("$wbuf", work.BufferBytes), ("$wfeat", string.Join(',', work.Features)),
            ("$id", id), ("$o", user.Name), ("$p", request.PackageDigest), ("$k", request.Kernel), ("$t", request.Target == "auto" ? "" : request.Target),
            ("$r", request.ToByteArray()), ("$m", memoryLimit), ("$c", now));
        transaction.Commit();
        // The reply is the job as stored (queued): read before anyone is woken to place and claim it.
        var job = Get(id)!;
        Changed.Pulse();
        return job;
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
    public IReadOnlyList<Job> List(string? owner, string? state, int limit) => Page(owner, state, null, null, limit, null).Jobs;

    /// <summary>
    /// One page of a user's jobs (all users' with a null owner), newest first, filtered by state,
    /// target (run or asked for) and kernel; <paramref name="before"/> is the previous page's cursor.
    /// Returns the cursor of the next page, or null on the last.
    /// </summary>
    public (IReadOnlyList<Job> Jobs, long? Next) Page(string? owner, string? state, string? target, string? kernel, int size, long? before)
    {
        using var connection = database.Open();
        using var command = ServiceDatabase.Command(connection, $"""
            SELECT {Columns}, seq FROM jobs
            WHERE ($o IS NULL OR owner = $o) AND ($s IS NULL OR state = $s) AND ($k IS NULL OR kernel = $k)
              AND ($t IS NULL OR target = $t OR (target = '' AND (placed_target = $t OR requested_target = $t)))
              AND ($b IS NULL OR seq < $b)
            ORDER BY seq DESC LIMIT $l
            """, ("$o", owner), ("$s", Blank(state)), ("$t", Blank(target)), ("$k", Blank(kernel)), ("$b", before), ("$l", size + 1));
        using var reader = command.ExecuteReader();
        var jobs = new List<Job>();
        long last = 0;
        while (reader.Read())
        {
            if (jobs.Count == size)
            {
                return (jobs, last);
            }
            jobs.Add(Read(reader));
            last = reader.GetInt64(reader.FieldCount - 1);
        }
        return (jobs, null);
    }

    private static string? Blank(string? value) => string.IsNullOrEmpty(value) ? null : value;

    /// <summary>
    /// Claims the oldest queued job the controller placed on <paramref name="node"/> (queued →
    /// running), or null; the request names the target it was placed on, so the node runs what it
    /// was given. When its owner has a device-seconds quota, the request's time limit is cut to
    /// what is left of it, so a running job cannot cross the quota (on this node or a remote one).
    /// </summary>
    public ClaimedJob? ClaimNext(string node, bool remote = false)
    {
        using var connection = database.Open();
        using var command = ServiceDatabase.Command(connection, """
            UPDATE jobs SET state = 'running', node = $n, started_ms = $t, attempts = attempts + 1, target = placed_target
            WHERE id = (SELECT id FROM jobs WHERE placed_node = $n AND state = 'queued' ORDER BY seq LIMIT 1)
              AND state = 'queued'
              AND ($remote = 0 OR EXISTS (SELECT 1 FROM nodes WHERE name = $n AND alive = 1))
              AND NOT EXISTS (SELECT 1 FROM drained_nodes WHERE name = $n)
            RETURNING id, request, memory_limit, placed_target
            """, ("$n", node), ("$t", ServiceDatabase.NowMs()), ("$remote", remote ? 1 : 0));
        string id;
        byte[] request;
        long memory;
        string target;
        using (var reader = command.ExecuteReader())
        {
            if (!reader.Read())
            {
                return null;
            }
            id = reader.GetString(0);
            request = (byte[])reader.GetValue(1);
            memory = reader.GetInt64(2);
            target = reader.GetString(3);
        }
        Changed.Pulse();
        var job = Get(id)!;
        var parsed = LavaAccel.Service.Api.RequestMigration.Upgrade(SubmitJobRequest.Parser.ParseFrom(request));
        parsed.Target = target;
        var left = GrantDeviceSeconds(job, parsed);
        return new ClaimedJob(job, parsed, memory, left);
    }

    /// <summary>Queued jobs, oldest first, as placement needs them (at most <paramref name="limit"/>).</summary>
    public IReadOnlyList<PendingJob> Pending(int limit) => Queued(unplacedOnly: false, limit);

    /// <summary>Queued jobs no live node was found for, oldest first.</summary>
    public IReadOnlyList<PendingJob> Unplaced(int limit) => Queued(unplacedOnly: true, limit);

    // One query for either list: queued jobs (only the unplaced ones when asked), oldest first.
    private List<PendingJob> Queued(bool unplacedOnly, int limit)
    {
        using var connection = database.Open();
        using var command = ServiceDatabase.Command(connection, """
            SELECT id, package_digest, work_key, work_flops, work_bytes, work_items, work_buffer, work_features, code_kind, requested_target, require_kind
            FROM jobs WHERE state = 'queued' AND ($u = 0 OR placed_node = '') ORDER BY seq LIMIT $l
            """, ("$u", unplacedOnly ? 1 : 0), ("$l", limit));
        using var reader = command.ExecuteReader();
        var pending = new List<PendingJob>();
        while (reader.Read())
        {
            var work = new KernelWork(reader.GetString(2), reader.GetDouble(3), reader.GetDouble(4), reader.GetInt64(5), reader.GetInt64(6),
                reader.GetString(7).Split(',', StringSplitOptions.RemoveEmptyEntries));
            pending.Add(new PendingJob(reader.GetString(0), reader.GetString(1), work, JobDemand.Language(reader.GetString(8) == "ilgpu"),
                reader.GetString(9) is { Length: > 0 } target ? target : null, reader.GetString(10) is { Length: > 0 } require ? require : null));
        }
        return pending;
    }

    /// <summary>Running jobs with the controller's estimate of each (for the queue model).</summary>
    public IReadOnlyList<RunningJob> RunningEstimates()
    {
        using var connection = database.Open();
        using var command = ServiceDatabase.Command(connection, "SELECT node, estimate_seconds, started_ms FROM jobs WHERE state = 'running'");
        using var reader = command.ExecuteReader();
        var running = new List<RunningJob>();
        while (reader.Read())
        {
            running.Add(new RunningJob(reader.GetString(0), reader.GetDouble(1), reader.GetInt64(2)));
        }
        return running;
    }

    /// <summary>
    /// Writes where queued jobs were placed and why they wait (only rows that changed, only while
    /// still queued), in one transaction; pulses <see cref="Placed"/> when any changed. Returns how many changed.
    /// </summary>
    public int ApplyPlacements(IReadOnlyList<PlacedJob> placements)
    {
        var moved = 0;
        using (var connection = database.Open())
        using (var transaction = connection.BeginTransaction(deferred: false))
        {
            foreach (var p in placements)
            {
                moved += ServiceDatabase.Execute(connection, """
                    UPDATE jobs SET placed_node = $n, placed_device = $d, placed_profile = $pr, placed_target = $t, estimate_seconds = $e, reason = $r, placement = $x
                    WHERE id = $id AND state = 'queued' AND (placed_node <> $n OR placed_target <> $t OR placed_device <> $d OR reason <> $r OR abs(estimate_seconds - $e) > 0.001)
                    """, ("$n", p.Node), ("$d", p.Device), ("$pr", p.Profile), ("$t", p.Target), ("$e", p.EstimateSeconds), ("$r", p.Reason),
                    ("$x", p.Explanation?.ToByteArray()), ("$id", p.JobId));
            }
            transaction.Commit();
        }
        if (moved > 0)
        {
            Placed.Pulse();
        }
        return moved;
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
                wall_ms = $w, cpu_ms = $c, device_ms = $d, peak_bytes = $p, log = $log
            WHERE id = $id AND state = 'running' AND node = $n AND ($a IS NULL OR attempts = $a)
            """,
            ("$s", result.State), ("$e", result.Error), ("$tg", result.Target), ("$k", result.KernelMs), ("$h", result.CacheHit ? 1 : 0),
            ("$f", ServiceDatabase.NowMs()), ("$w", result.Usage.WallMs), ("$c", result.Usage.CpuMs), ("$d", result.Usage.DeviceMs),
            ("$p", result.Usage.PeakMemoryBytes), ("$id", id), ("$n", node), ("$a", attempt), ("$log", JobResult.Bounded(result.Log))) == 1;
        FinishedRun? learned = null;
        if (applied)
        {
            foreach (var output in result.Outputs)
            {
                ServiceDatabase.Execute(connection, "INSERT OR REPLACE INTO outputs(job_id, name, npy) VALUES($id, $n, $b)", ("$id", id), ("$n", output.Name), ("$b", output.Npy.ToByteArray()));
            }
            if (result.State == JobStates.Succeeded && result.KernelMs > 0)
            {
                using var command = ServiceDatabase.Command(connection, "SELECT work_key, placed_profile, work_items FROM jobs WHERE id = $id AND work_key <> '' AND placed_profile <> ''", ("$id", id));
                using var reader = command.ExecuteReader();
                learned = reader.Read() ? new FinishedRun(reader.GetString(0), result.Target, reader.GetString(1), reader.GetInt64(2), result.KernelMs / 1000) : null;
            }
        }
        transaction.Commit();
        Changed.Pulse();
        if (applied)
        {
            Ended?.Invoke(result.State, result.Usage.WallMs);
        }
        if (learned is not null)
        {
            Succeeded?.Invoke(learned);
        }
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
        var dequeued = ServiceDatabase.Execute(connection, "UPDATE jobs SET state = 'cancelled', finished_ms = $f WHERE id = $id AND ($o IS NULL OR owner = $o) AND state = 'queued'",
            ("$f", ServiceDatabase.NowMs()), ("$id", id), ("$o", owner));
        ServiceDatabase.Execute(connection, "UPDATE jobs SET cancel_requested = 1 WHERE id = $id AND ($o IS NULL OR owner = $o) AND state = 'running'", ("$id", id), ("$o", owner));
        transaction.Commit();
        Changed.Pulse();
        if (dequeued > 0)
        {
            Ended?.Invoke(JobStates.Cancelled, 0);
        }
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
        var ended = new List<string>();
        var count = 0;
        using (var command = ServiceDatabase.Command(connection, $"""
            UPDATE jobs SET node_losses = node_losses + $lost,
                state = CASE WHEN cancel_requested = 1 THEN 'cancelled'
                             WHEN node_losses + $lost >= $max THEN 'failed' ELSE 'queued' END,
                error = CASE WHEN cancel_requested = 0 AND node_losses + $lost >= $max
                             THEN 'its node stopped while running it ' || (node_losses + $lost) || ' times: it is not run again (it may be what takes its node down)'
                             ELSE error END,
                node = CASE WHEN cancel_requested = 1 OR node_losses + $lost >= $max THEN node ELSE '' END,
                placed_node = CASE WHEN cancel_requested = 1 OR node_losses + $lost >= $max THEN placed_node ELSE '' END,
                finished_ms = CASE WHEN cancel_requested = 1 OR node_losses + $lost >= $max THEN $now ELSE finished_ms END
            WHERE state = 'running' AND {condition}
            RETURNING state
            """, [.. parameters, ("$now", ServiceDatabase.NowMs()), ("$lost", lost ? 1 : 0), ("$max", MaxNodeLosses)]))
        using (var reader = command.ExecuteReader())
        {
            while (reader.Read())
            {
                count++;
                if (reader.GetString(0) != JobStates.Queued)
                {
                    ended.Add(reader.GetString(0));
                }
            }
        }
        if (count > 0)
        {
            Changed.Pulse();
        }
        foreach (var state in ended)
        {
            Ended?.Invoke(state, 0);
        }
        return count;
    }

    /// <summary>Queued jobs placed on <paramref name="node"/> wait to be placed again (it was drained); returns how many.</summary>
    public int Unplace(string node, string reason)
    {
        using var connection = database.Open();
        var count = ServiceDatabase.Execute(connection, """
            UPDATE jobs SET placed_node = '', placed_device = '', placed_profile = '', placed_target = '', placement = NULL, reason = $r, estimate_seconds = 0
            WHERE placed_node = $n AND state = 'queued'
            """, ("$n", node), ("$r", reason));
        if (count > 0)
        {
            Changed.Pulse();
        }
        return count;
    }

    /// <summary>Cancels every queued or running job of <paramref name="owner"/>; returns how many.</summary>
    public int CancelAll(string owner)
    {
        var ids = List(owner, null, int.MaxValue).Where(j => !JobStates.IsFinal(j.State)).Select(j => j.Id).ToArray();
        foreach (var id in ids)
        {
            Cancel(id, owner);
        }
        return ids.Length;
    }

    /// <summary>Per target: jobs that ended and how many of them found their variant in the cache.</summary>
    public IReadOnlyList<(string Target, long Jobs, long Hits)> CacheHits()
    {
        using var connection = database.Open();
        using var command = ServiceDatabase.Command(connection, "SELECT target, COUNT(*), IFNULL(SUM(cache_hit), 0) FROM jobs WHERE state IN ('succeeded', 'failed') AND target <> '' GROUP BY target ORDER BY target");
        using var reader = command.ExecuteReader();
        var list = new List<(string, long, long)>();
        while (reader.Read())
        {
            list.Add((reader.GetString(0), reader.GetInt64(1), reader.GetInt64(2)));
        }
        return list;
    }

    /// <summary>
    /// Device seconds per day (UTC) over the last <paramref name="days"/> days, by user — or by
    /// device (the device the job was placed on, else its node) with <paramref name="byDevice"/>;
    /// only one user's jobs with <paramref name="owner"/>.
    /// </summary>
    public IReadOnlyList<(string Key, DateOnly Day, double DeviceSeconds)> DailyUsage(string? owner, int days, bool byDevice = false)
    {
        var since = ServiceDatabase.NowMs() - days * 86_400_000L;
        var key = byDevice ? "CASE WHEN placed_device <> '' THEN placed_device ELSE node END" : "owner";
        using var connection = database.Open();
        using var command = ServiceDatabase.Command(connection, $"""
            SELECT {key}, finished_ms / 86400000, SUM(device_ms) / 1000.0 FROM jobs
            WHERE finished_ms >= $s AND device_ms > 0 AND ($o IS NULL OR owner = $o) GROUP BY 1, 2 ORDER BY 2, 1
            """, ("$s", since), ("$o", owner));
        using var reader = command.ExecuteReader();
        var list = new List<(string, DateOnly, double)>();
        while (reader.Read())
        {
            list.Add((reader.GetString(0), DateOnly.FromDateTime(DateTime.UnixEpoch.AddDays(reader.GetInt64(1))), reader.GetDouble(2)));
        }
        return list;
    }

    /// <summary>Running jobs on each node.</summary>
    public IReadOnlyDictionary<string, int> RunningByNode() => CountByNode("SELECT node, COUNT(*) FROM jobs WHERE state = 'running' GROUP BY node");

    /// <summary>Queued jobs placed on each node.</summary>
    public IReadOnlyDictionary<string, int> QueuedByNode() => CountByNode("SELECT placed_node, COUNT(*) FROM jobs WHERE state = 'queued' AND placed_node <> '' GROUP BY placed_node");

    private Dictionary<string, int> CountByNode(string sql)
    {
        using var connection = database.Open();
        using var command = ServiceDatabase.Command(connection, sql);
        using var reader = command.ExecuteReader();
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        while (reader.Read())
        {
            counts[reader.GetString(0)] = reader.GetInt32(1);
        }
        return counts;
    }

    /// <summary>The attempt a job is on (its claim count).</summary>
    public int AttemptOf(string id)
    {
        using var connection = database.Open();
        return ServiceDatabase.Scalar(connection, "SELECT attempts FROM jobs WHERE id = $id", ("$id", id)) is long n ? (int)n : 0;
    }

    /// <summary>What a job's kernel printed ("" when nothing or not yet).</summary>
    public string Log(string id)
    {
        using var connection = database.Open();
        return ServiceDatabase.Scalar(connection, "SELECT log FROM jobs WHERE id = $id", ("$id", id)) as string ?? "";
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

    /// <summary>Queued and running jobs by target (the placed or asked one; "auto" when neither is known yet).</summary>
    public IReadOnlyList<(string State, string Target, long Count)> CountsByTarget()
    {
        using var connection = database.Open();
        using var command = ServiceDatabase.Command(connection, """
            SELECT state, COALESCE(NULLIF(target, ''), NULLIF(placed_target, ''), NULLIF(requested_target, ''), 'auto'), COUNT(*)
            FROM jobs WHERE state IN ('queued', 'running') GROUP BY 1, 2
            """);
        using var reader = command.ExecuteReader();
        var counts = new List<(string, string, long)>();
        while (reader.Read())
        {
            counts.Add((reader.GetString(0), reader.GetString(1), reader.GetInt64(2)));
        }
        return counts;
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
        Usage = new JobUsage
        {
            WallMs = r.GetDouble(13), CpuMs = r.GetDouble(14), DeviceMs = r.GetDouble(15), PeakMemoryBytes = r.GetInt64(16),
            Wall = Span(r.GetDouble(13)), Cpu = Span(r.GetDouble(14)), Device = Span(r.GetDouble(15)),
        },
        CacheHit = r.GetInt64(17) != 0,
        Device = r.GetString(18),
        RequestedTarget = r.GetString(19),
        Reason = r.GetString(1) == JobStates.Queued ? r.GetString(20) : "",
        Placement = r.IsDBNull(21) ? null : LavaAccel.Api.V1.Placement.Parser.ParseFrom((byte[])r.GetValue(21)),
        JobState = JobStates.ToEnum(r.GetString(1)),
        CreateTime = Time(r.GetInt64(9)),
        StartTime = Time(r.GetInt64(10)),
        EndTime = Time(r.GetInt64(11)),
        KernelTime = Span(r.GetDouble(8)),
    };

    private static Google.Protobuf.WellKnownTypes.Duration Span(double ms) => Google.Protobuf.WellKnownTypes.Duration.FromTimeSpan(TimeSpan.FromMilliseconds(ms));

    private static Google.Protobuf.WellKnownTypes.Timestamp? Time(long unixMs) =>
        unixMs <= 0 ? null : Google.Protobuf.WellKnownTypes.Timestamp.FromDateTimeOffset(DateTimeOffset.FromUnixTimeMilliseconds(unixMs));
}
