namespace LavaAccel.Service.Slurm;

/// <summary>How <c>lava serve --executor slurm</c> runs jobs through Slurm.</summary>
/// <param name="Mode"><c>pilot</c>: sbatch pilot jobs that start <c>lava node</c> and take placed jobs; <c>job</c>: one Slurm job per lava job.</param>
/// <param name="Partition">Partition to submit to (null: the cluster's default).</param>
/// <param name="MinPilots">Pilots kept running even with an empty queue.</param>
/// <param name="MaxPilots">Pilots at most.</param>
/// <param name="PilotIdle">A pilot with nothing to do for this long ends (and frees its Slurm allocation).</param>
/// <param name="PilotController">The controller's node endpoint as pilots reach it (https://HOST:PORT).</param>
/// <param name="PilotWorkers">Jobs a pilot runs at once (its <c>--cpus-per-task</c>).</param>
public sealed record SlurmOptions(string Mode = "pilot", string? Partition = null, int MinPilots = 0, int MaxPilots = 4,
    TimeSpan? PilotIdle = null, string? PilotController = null, int PilotWorkers = 1)
{
    /// <summary>The idle time after which a pilot ends.</summary>
    public TimeSpan Idle => PilotIdle ?? TimeSpan.FromSeconds(60);
}
