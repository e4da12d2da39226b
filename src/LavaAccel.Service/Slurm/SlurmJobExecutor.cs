using System.Globalization;
using LavaAccel.Api.V1;
using LavaAccel.Backends;
using LavaAccel.Service.Storage;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace LavaAccel.Service.Slurm;

/// <summary>
/// Job mode: one Slurm job per lava job. The controller places jobs over the Slurm nodes (read by
/// <see cref="SlurmInventory"/>); this service takes what was placed on each node, spools it and
/// submits <c>sbatch --parsable --nodelist NODE</c> with the GRES of the device (<c>gpu:MODEL:1</c>,
/// <c>fpga:FAMILY:1</c>) or the ISA tier as a constraint, a time limit and memory; the job runs
/// <c>lava slurm-job</c> in the same sandbox as any node. States come from <c>squeue</c> /
/// <c>scontrol</c>; <c>lava cancel</c> becomes <c>scancel</c>; Slurm's TIMEOUT, OUT_OF_MEMORY,
/// NODE_FAIL, FAILED and CANCELLED become lava's states with the reason.
/// </summary>
public sealed class SlurmJobExecutor(JobStore jobs, PackageStore packages, SlurmInventory inventory, SlurmClient slurm, ServiceOptions options, ILogger<SlurmJobExecutor> log) : BackgroundService
{
    private sealed record Tracked(string JobId, string Node, int Attempt, SlurmSpool Spool, bool Cancelled = false);

    private readonly Dictionary<string, Tracked> _tracked = new(StringComparer.Ordinal);
    private readonly string _root = Path.Combine(options.DataDirectory, "slurm", "jobs");

    /// <summary>Slurm jobs lava is waiting for.</summary>
    public int Tracking => _tracked.Count;

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        Recover();
        while (!stoppingToken.IsCancellationRequested)
        {
            var changed = Task.WhenAny(jobs.Placed.Next, jobs.Changed.Next);
            try
            {
                await Task.Run(Pass, stoppingToken).ConfigureAwait(false);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                log.LogWarning("the Slurm pass failed: {Message}", e.Message);
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

    private void Pass()
    {
        foreach (var node in inventory.SlurmNodes())
        {
            while (jobs.ClaimNext(node.Name) is { } claimed)
            {
                Submit(node, claimed);
            }
            foreach (var id in jobs.CancelRequests(node.Name))
            {
                foreach (var (slurmId, tracked) in _tracked.Where(t => t.Value.JobId == id && !t.Value.Cancelled).ToList())
                {
                    slurm.Cancel(slurmId);
                    _tracked[slurmId] = tracked with { Cancelled = true };
                }
            }
        }
        if (_tracked.Count == 0)
        {
            return;
        }
        var states = slurm.States(_tracked.Keys.ToList());
        foreach (var (slurmId, tracked) in _tracked.ToList())
        {
            var state = states.GetValueOrDefault(slurmId);
            var result = tracked.Spool.ReadResult();
            if (state is { Ended: false } && result is null)
            {
                continue;
            }
            var ended = result is not null ? SlurmSpool.ToResult(result) : Lost(state, tracked);
            jobs.Finish(tracked.JobId, tracked.Node, ended, tracked.Attempt);
            _tracked.Remove(slurmId);
            TryDelete(tracked.Spool.Directory);
        }
    }

    private void Submit(SlurmNode node, ClaimedJob claimed)
    {
        var spool = SlurmSpool.For(_root, claimed.Job.Id, claimed.Job.Attempts);
        try
        {
            spool.Prepare(new ClaimReply { JobId = claimed.Job.Id, Request = claimed.Request, MemoryLimitBytes = claimed.MemoryLimit, Owner = claimed.Job.Owner, Attempt = claimed.Job.Attempts },
                packages.Load(claimed.Request.PackageDigest).Bytes);
            SlurmScripts.Write(spool.Script, new Dictionary<string, string> { ["LAVA_HOME"] = Path.Combine(options.DataDirectory, "slurm", "home") },
                ["slurm-job", spool.Directory, "--sandbox", options.Sandbox?.ToString().ToLowerInvariant() ?? "auto"]);
            var id = slurm.Submit(spool.Script, Options(node, claimed, spool));
            File.WriteAllText(spool.SlurmId, id);
            _tracked[id] = new Tracked(claimed.Job.Id, node.Name, claimed.Job.Attempts, spool);
            log.LogInformation("job {Job} submitted to Slurm as {SlurmId} on {Node}", claimed.Job.Id, id, node.Name);
        }
        catch (Exception e) when (e is LavaException or IOException)
        {
            jobs.Finish(claimed.Job.Id, node.Name, new JobResult(JobStates.Failed, $"submitting to Slurm failed: {e.Message}", claimed.Request.Target, 0, false, new JobUsage(), []), claimed.Job.Attempts);
            TryDelete(spool.Directory);
        }
    }

    // The Slurm request of a placed job: its node, the device's GRES or the ISA tier, a time limit
    // (the job's own plus a minute for compiling and start-up), its memory limit.
    private List<string> Options(SlurmNode node, ClaimedJob claimed, SlurmSpool spool)
    {
        var list = new List<string> { "--job-name", "lava-" + claimed.Job.Id, "--nodelist", node.Name, "--output", spool.Output, "--chdir", spool.Directory, "--ntasks", "1", "--cpus-per-task", "1" };
        if (options.Slurm?.Partition is { } partition)
        {
            list.AddRange(["--partition", partition]);
        }
        var device = claimed.Job.Device.Split('/').LastOrDefault() ?? "";
        var gres = SlurmInventory.Gres(node.Gres).FirstOrDefault(g => device.StartsWith($"{g.Kind}-{g.Model}", StringComparison.Ordinal));
        if (gres.Kind is not null)
        {
            list.AddRange(["--gres", gres.Model.Length > 0 ? $"{gres.Kind}:{gres.Model}:1" : $"{gres.Kind}:1"]);
        }
        else if (TargetId.Parse(claimed.Request.Target) is { Backend: "cpu" } cpu && node.Features.Contains(cpu.Model))
        {
            list.AddRange(["--constraint", cpu.Model]);
        }
        var seconds = claimed.Request.TimeLimitSeconds > 0 ? claimed.Request.TimeLimitSeconds : options.DefaultTimeLimit.TotalSeconds;
        list.AddRange(["--time", ((int)Math.Ceiling(seconds / 60) + 1).ToString(CultureInfo.InvariantCulture)]);
        if (claimed.MemoryLimit > 0)
        {
            list.AddRange(["--mem", Math.Max(1, claimed.MemoryLimit >> 20).ToString(CultureInfo.InvariantCulture) + "M"]);
        }
        return list;
    }

    // A Slurm job that ended without writing a result: Slurm's reason, in lava's words.
    private static JobResult Lost(SlurmJob? state, Tracked tracked)
    {
        var tail = tracked.Spool.OutputTail();
        var (status, error) = state?.State switch
        {
            "CANCELLED" when tracked.Cancelled => (JobStates.Cancelled, "cancelled (scancel)"),
            "CANCELLED" => (JobStates.Failed, "Slurm cancelled the job (CANCELLED; by an administrator or a preemption)"),
            "TIMEOUT" => (JobStates.Failed, "Slurm stopped the job at its time limit (TIMEOUT)"),
            "OUT_OF_MEMORY" => (JobStates.Failed, $"the job ran out of memory on Slurm node {tracked.Node} (OUT_OF_MEMORY)"),
            "NODE_FAIL" => (JobStates.Failed, $"Slurm node {tracked.Node} failed while running the job (NODE_FAIL)"),
            "BOOT_FAIL" => (JobStates.Failed, $"Slurm node {tracked.Node} failed to boot for the job (BOOT_FAIL)"),
            "PREEMPTED" => (JobStates.Failed, "Slurm preempted the job (PREEMPTED)"),
            null => (JobStates.Failed, "Slurm no longer knows the job and it wrote no result"),
            var other => (JobStates.Failed, $"the Slurm job ended {other} without a result"),
        };
        return new JobResult(status, tail.Length > 0 && status == JobStates.Failed ? $"{error}: {tail}" : error, "", 0, false, new JobUsage(), []);
    }

    // After a restart: Slurm jobs submitted before it are followed again.
    private void Recover()
    {
        if (!Directory.Exists(_root))
        {
            return;
        }
        foreach (var directory in Directory.EnumerateDirectories(_root))
        {
            var spool = new SlurmSpool(directory);
            var name = Path.GetFileName(directory).Split('.');
            if (File.Exists(spool.SlurmId) && name.Length == 2 && int.TryParse(name[1], CultureInfo.InvariantCulture, out var attempt)
                && jobs.Get(name[0]) is { State: JobStates.Running } job && job.Attempts == attempt)
            {
                _tracked[File.ReadAllText(spool.SlurmId).Trim()] = new Tracked(job.Id, job.Node, attempt, spool);
            }
            else
            {
                TryDelete(directory);
            }
        }
    }

    private static void TryDelete(string directory)
    {
        try
        {
            Directory.Delete(directory, recursive: true);
        }
        catch (IOException)
        {
            // left for the next start's sweep
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
