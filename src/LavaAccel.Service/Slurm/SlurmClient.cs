using System.Globalization;
using LavaAccel.Host;

namespace LavaAccel.Service.Slurm;

/// <summary>A node of the Slurm cluster as <c>sinfo</c> reports it.</summary>
/// <param name="Name">Node name.</param>
/// <param name="Gres">Its generic resources (<c>gpu:h100:1,fpga:u280:1</c>; empty for none).</param>
/// <param name="Features">Its features (ISA tiers such as <c>x86-64-v4</c>, <c>avx512</c>, <c>sve</c>).</param>
/// <param name="Cpus">CPUs.</param>
/// <param name="MemoryMb">Memory in MB.</param>
/// <param name="State">Its state (<c>idle</c>, <c>mixed</c>, <c>allocated</c>, <c>down*</c>, <c>drained</c>…).</param>
public sealed record SlurmNode(string Name, string Gres, IReadOnlyList<string> Features, int Cpus, long MemoryMb, string State)
{
    /// <summary>Whether Slurm would start jobs on it: not down, drained, failed or unresponsive (<c>*</c>).</summary>
    public bool Usable => !(State.StartsWith("down", StringComparison.Ordinal) || State.StartsWith("drain", StringComparison.Ordinal)
        || State.StartsWith("fail", StringComparison.Ordinal) || State.EndsWith('*'));
}

/// <summary>A Slurm job's state as <c>squeue</c> or <c>scontrol</c> reports it.</summary>
/// <param name="Id">Slurm job id.</param>
/// <param name="State">PENDING, RUNNING, COMPLETED, FAILED, TIMEOUT, OUT_OF_MEMORY, NODE_FAIL, CANCELLED…</param>
/// <param name="Node">Where it runs or ran ("" while pending).</param>
/// <param name="Reason">Why it pends (Slurm's reason), or "None".</param>
public sealed record SlurmJob(string Id, string State, string Node, string Reason)
{
    /// <summary>Whether the job has ended.</summary>
    public bool Ended => State is not ("PENDING" or "CONFIGURING" or "RUNNING" or "COMPLETING" or "SUSPENDED" or "REQUEUED" or "RESIZING" or "SIGNALING" or "STAGE_OUT");
}

/// <summary>
/// Slurm's own client commands (<c>sinfo</c>, <c>sbatch</c>, <c>squeue</c>, <c>scontrol</c>,
/// <c>scancel</c>), run as lava's user against the cluster <c>SLURM_CONF</c> names (or the
/// default): the thinnest layer over them, so lava talks to a site's Slurm as its users do.
/// </summary>
public sealed class SlurmClient
{
    /// <summary>The cluster's usable and unusable nodes.</summary>
    public IReadOnlyList<SlurmNode> Nodes()
    {
        var nodes = new Dictionary<string, SlurmNode>(StringComparer.Ordinal);
        foreach (var line in Run("sinfo", ["-N", "-h", "-o", "%N|%G|%f|%c|%m|%T"], "reading the Slurm nodes (sinfo)").Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var parts = line.Split('|');
            if (parts.Length != 6)
            {
                continue;
            }
            var gres = parts[1] is "(null)" or "" ? "" : parts[1];
            var features = parts[2] is "(null)" or "" ? [] : parts[2].Split(',', StringSplitOptions.RemoveEmptyEntries);
            _ = int.TryParse(parts[3], NumberStyles.Integer, CultureInfo.InvariantCulture, out var cpus);
            _ = long.TryParse(parts[4].TrimEnd('+'), NumberStyles.Integer, CultureInfo.InvariantCulture, out var memory);
            nodes.TryAdd(parts[0], new SlurmNode(parts[0], gres, features, Math.Max(1, cpus), memory, parts[5]));
        }
        return [.. nodes.Values];
    }

    /// <summary>Submits a batch script (<c>sbatch --parsable</c>); returns the Slurm job id.</summary>
    public string Submit(string script, IEnumerable<string> options)
    {
        var output = Run("sbatch", ["--parsable", .. options, script], "submitting to Slurm (sbatch)").Trim();
        var id = output.Split(';')[0];
        return id.Length > 0 && id.All(char.IsAsciiDigit) ? id : throw new LavaException($"sbatch answered '{output}', not a job id");
    }

    /// <summary>
    /// The states of jobs: from <c>squeue</c> while Slurm lists them, then from <c>scontrol show
    /// job</c> (kept for MinJobAge after they end); a job neither knows any more is missing from the answer.
    /// </summary>
    public IReadOnlyDictionary<string, SlurmJob> States(IReadOnlyCollection<string> ids)
    {
        var states = new Dictionary<string, SlurmJob>(StringComparer.Ordinal);
        if (ids.Count == 0)
        {
            return states;
        }
        string listed;
        try
        {
            listed = Run("squeue", ["-h", "-t", "all", "-j", string.Join(',', ids), "-o", "%i|%T|%N|%r"], "asking Slurm for job states (squeue)");
        }
        catch (LavaException e) when (e.Message.Contains("Invalid job id", StringComparison.Ordinal))
        {
            listed = ""; // none of them is listed any more; scontrol may still know how they ended
        }
        foreach (var line in listed.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var parts = line.Split('|');
            if (parts.Length == 4 && ids.Contains(parts[0]))
            {
                states[parts[0]] = new SlurmJob(parts[0], parts[1], parts[2], parts[3]);
            }
        }
        foreach (var id in ids.Where(i => !states.ContainsKey(i) || states[i].Ended))
        {
            var shown = Run("scontrol", ["show", "job", "-o", id], "asking Slurm for a job (scontrol)", allowFailure: true);
            var fields = shown.Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(f => f.Split('=', 2)).Where(f => f.Length == 2).GroupBy(f => f[0]).ToDictionary(g => g.Key, g => g.First()[1], StringComparer.Ordinal);
            if (fields.TryGetValue("JobState", out var state))
            {
                states[id] = new SlurmJob(id, state, fields.GetValueOrDefault("NodeList") is { } n && n != "(null)" ? n : "", fields.GetValueOrDefault("Reason") ?? "None");
            }
        }
        return states;
    }

    /// <summary>Whether any task of a job (an array's too) is still pending or running.</summary>
    public bool Active(string id)
    {
        try
        {
            return Run("squeue", ["-h", "-j", id, "-o", "%T"], "asking Slurm for a job (squeue)").Trim().Length > 0;
        }
        catch (LavaException e) when (e.Message.Contains("Invalid job id", StringComparison.Ordinal))
        {
            return false;
        }
    }

    /// <summary>Cancels a job (<c>scancel</c>); a job that ended meanwhile is no error.</summary>
    public void Cancel(string id) => Run("scancel", [id], "cancelling a Slurm job (scancel)", allowFailure: true);

    /// <summary>Whether Slurm's client commands are installed and reach a controller.</summary>
    public static bool Reachable(out string why)
    {
        try
        {
            new SlurmClient().Run("sinfo", ["-h", "-o", "%P"], "reaching Slurm (sinfo)");
            why = "";
            return true;
        }
        catch (LavaException e)
        {
            why = e.Message;
            return false;
        }
    }

    private string Run(string tool, IEnumerable<string> arguments, string what, bool allowFailure = false)
    {
        try
        {
            return ToolProcess.Run(tool, arguments, what);
        }
        catch (LavaException) when (allowFailure)
        {
            return "";
        }
    }
}
