using LavaAccel.Api.V1;
using LavaAccel.Service.Storage;

namespace LavaAccel.Service.Compute;

/// <summary>A job a node took from its source.</summary>
/// <param name="Job">The job (id and owner at least).</param>
/// <param name="Request">What to run (its time limit already cut to the owner's quota).</param>
/// <param name="MemoryLimit">Memory limit in bytes (0: none).</param>
/// <param name="DeviceSecondsLeft">What was left of the owner's device-seconds quota, or null without one.</param>
/// <param name="Attempt">Which claim of the job this is (a late result of an earlier one is refused).</param>
public sealed record ClaimedWork(Job Job, SubmitJobRequest Request, long MemoryLimit, double? DeviceSecondsLeft, int Attempt);

/// <summary>
/// Where a node's jobs come from and go back to: the store itself (the embedded node,
/// <see cref="LocalJobSource"/>) or a controller over the node protocol (<see cref="ControllerJobSource"/>).
/// <see cref="NodeWorker"/> runs the same loop over either.
/// </summary>
public interface IJobSource
{
    /// <summary>Waits (a while) for the next job this node runs; null when there is none yet.</summary>
    Task<ClaimedWork?> ClaimAsync(CancellationToken stop);

    /// <summary>Readies what the job needs on this node (a remote node fetches the package); failures are <see cref="LavaException"/>s.</summary>
    Task PrepareAsync(ClaimedWork work, CancellationToken cancellation);

    /// <summary>Hands the result back (retrying as the source needs).</summary>
    Task CompleteAsync(ClaimedWork work, JobResult result, CancellationToken stop);
}
