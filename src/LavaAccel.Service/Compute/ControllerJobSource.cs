using Grpc.Core;
using LavaAccel.Api.V1;
using LavaAccel.Service.Storage;
using Microsoft.Extensions.Logging;

namespace LavaAccel.Service.Compute;

/// <summary>
/// A remote node's jobs: claimed from the controller (long poll), packages fetched by digest, results
/// sent back until the controller has them (a lost result would leave the job running until the
/// controller notices the node no longer reports it).
/// </summary>
public sealed class ControllerJobSource(NodeService.NodeServiceClient controller, NodePackageCache packages, ILogger log) : IJobSource
{
    /// <inheritdoc />
    public async Task<ClaimedWork?> ClaimAsync(CancellationToken stop)
    {
        ClaimReply claim;
        try
        {
            claim = await controller.ClaimAsync(new ClaimRequest { WaitMs = 5000 }, deadline: DateTime.UtcNow.AddSeconds(30), cancellationToken: stop).ConfigureAwait(false);
        }
        catch (RpcException e) when (!stop.IsCancellationRequested)
        {
            log.LogDebug("claim failed: {Detail}", e.Status.Detail);
            await Task.Delay(500, stop).ConfigureAwait(false);
            return null;
        }
        return claim.JobId.Length == 0 ? null
            : new ClaimedWork(new Job { Id = claim.JobId, Owner = claim.Owner }, claim.Request, claim.MemoryLimitBytes, null, claim.Attempt);
    }

    /// <inheritdoc />
    public async Task PrepareAsync(ClaimedWork work, CancellationToken cancellation)
    {
        try
        {
            await packages.EnsureAsync(work.Request.PackageDigest, controller, cancellation).ConfigureAwait(false);
        }
        catch (RpcException e) when (!cancellation.IsCancellationRequested)
        {
            throw new LavaException($"fetching the package failed: {e.Status.Detail}", e);
        }
    }

    /// <inheritdoc />
    public async Task CompleteAsync(ClaimedWork work, JobResult result, CancellationToken stop)
    {
        var request = new CompleteRequest { JobId = work.Job.Id, Attempt = work.Attempt, State = result.State, Error = result.Error, Target = result.Target, KernelMs = result.KernelMs, CacheHit = result.CacheHit, Usage = result.Usage, Log = result.Log };
        request.Outputs.AddRange(result.Outputs);
        while (!stop.IsCancellationRequested)
        {
            try
            {
                var reply = await controller.CompleteAsync(request, deadline: DateTime.UtcNow.AddSeconds(60), cancellationToken: stop).ConfigureAwait(false);
                if (!reply.Accepted)
                {
                    log.LogWarning("the controller refused the result of {Job} (re-placed or cancelled meanwhile)", work.Job.Id);
                }
                return;
            }
            catch (RpcException e) when (e.StatusCode == StatusCode.ResourceExhausted && request.Outputs.Count > 0)
            {
                // Outputs larger than the controller accepts: the job fails, saying so.
                request.Outputs.Clear();
                request.State = JobStates.Failed;
                request.Error = $"the job's outputs are larger than the controller accepts ({e.Status.Detail})";
            }
            catch (RpcException e) when (!stop.IsCancellationRequested)
            {
                log.LogWarning("reporting {Job} failed ({Detail}); retrying", work.Job.Id, e.Status.Detail);
                await Task.Delay(1000, stop).ConfigureAwait(false);
            }
        }
    }
}
