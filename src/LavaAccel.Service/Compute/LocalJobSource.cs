using LavaAccel.Service.Storage;

namespace LavaAccel.Service.Compute;

/// <summary>The embedded node's jobs: those the controller placed on it, claimed from the store directly, results written to it.</summary>
public sealed class LocalJobSource(JobStore jobs, string node) : IJobSource
{
    /// <inheritdoc />
    public async Task<ClaimedWork?> ClaimAsync(CancellationToken stop)
    {
        var pulse = Task.WhenAny(jobs.Placed.Next, jobs.Changed.Next);
        if (jobs.ClaimNext(node) is { } claimed)
        {
            return new ClaimedWork(claimed.Job, claimed.Request, claimed.MemoryLimit, claimed.DeviceSecondsLeft, claimed.Job.Attempts);
        }
        await Task.WhenAny(pulse, Task.Delay(TimeSpan.FromSeconds(1), stop)).ConfigureAwait(false);
        return null;
    }

    /// <inheritdoc />
    public Task PrepareAsync(ClaimedWork work, CancellationToken cancellation) => Task.CompletedTask;

    /// <inheritdoc />
    public Task CompleteAsync(ClaimedWork work, JobResult result, CancellationToken stop)
    {
        jobs.Finish(work.Job.Id, node, result, work.Attempt);
        return Task.CompletedTask;
    }
}
