using Google.Protobuf;
using Grpc.Core;
using LavaAccel.Api.V1;
using LavaAccel.Service.Security;
using LavaAccel.Service.Storage;
using Microsoft.Extensions.Logging;

namespace LavaAccel.Service.Api;

/// <summary>
/// <c>lava.v1.NodeService</c> on the controller, reachable only over mutual TLS: the node is the
/// common name of the client certificate Kestrel already validated against the cluster CA.
/// </summary>
public sealed class NodeApi(NodeStore nodes, JobStore jobs, PackageStore packages, LavaAccel.Cache.VariantCache cache, ServiceOptions options, ILogger<NodeApi> log) : NodeService.NodeServiceBase
{
    private const int ChunkBytes = 1 << 20;
    private static readonly TimeSpan ClaimGrace = TimeSpan.FromSeconds(10);

    public override Task<RegisterNodeReply> Register(RegisterNodeRequest request, ServerCallContext context)
    {
        var node = NodeOf(context);
        nodes.Register(node, [.. request.Devices.Select(d => Owned(d, node))], request.Workers);
        // Whatever it ran before it (re)started is lost with its old process.
        var requeued = jobs.Requeue(node);
        log.LogInformation("node {Node} registered with {Devices} device(s); {Requeued} job(s) re-queued", node, request.Devices.Count, requeued);
        return Task.FromResult(new RegisterNodeReply { Node = node, HeartbeatMs = (int)options.HeartbeatInterval.TotalMilliseconds });
    }

    public override Task<HeartbeatReply> Heartbeat(HeartbeatRequest request, ServerCallContext context)
    {
        var node = NodeOf(context);
        if (!nodes.Heartbeat(node, request.RunningJobs, request.FreeMemoryBytes))
        {
            throw new RpcException(new Status(StatusCode.FailedPrecondition, $"node {node} is not registered (or was declared dead): register again"));
        }
        // A job the store has running here that the node does not know (its claim reply or result
        // was lost, or the controller died in between) goes back to the queue.
        jobs.RequeueUnreported(node, [.. request.Running], ClaimGrace);
        var reply = new HeartbeatReply();
        reply.Cancel.AddRange(jobs.CancelRequests(node));
        return Task.FromResult(reply);
    }

    public override async Task<ClaimReply> Claim(ClaimRequest request, ServerCallContext context)
    {
        var node = NodeOf(context);
        var deadline = DateTime.UtcNow.AddMilliseconds(Math.Clamp(request.WaitMs, 0, 30_000));
        while (true)
        {
            _ = nodes.TargetsOf(node) ?? throw new RpcException(new Status(StatusCode.FailedPrecondition, $"node {node} is not registered (or was declared dead): register again"));
            var pulse = Task.WhenAny(jobs.Placed.Next, jobs.Changed.Next);
            if (jobs.ClaimNext(node, remote: true) is { } claimed)
            {
                return new ClaimReply { JobId = claimed.Job.Id, Request = claimed.Request, MemoryLimitBytes = claimed.MemoryLimit, Owner = claimed.Job.Owner, Attempt = claimed.Job.Attempts };
            }
            var left = deadline - DateTime.UtcNow;
            if (left <= TimeSpan.Zero)
            {
                return new ClaimReply();
            }
            await Task.WhenAny(pulse, Task.Delay(left < TimeSpan.FromSeconds(1) ? left : TimeSpan.FromSeconds(1), context.CancellationToken)).ConfigureAwait(false);
            context.CancellationToken.ThrowIfCancellationRequested();
        }
    }

    public override async Task FetchPackage(GetPackageRequest request, IServerStreamWriter<PackageChunk> responseStream, ServerCallContext context)
    {
        NodeOf(context);
        byte[] bytes;
        try
        {
            bytes = packages.Load(request.Digest).Bytes;
        }
        catch (LavaException e)
        {
            throw RpcErrors.NotFound(e.Message);
        }
        for (var offset = 0; offset < bytes.Length; offset += ChunkBytes)
        {
            await responseStream.WriteAsync(new PackageChunk { Data = ByteString.CopyFrom(bytes, offset, Math.Min(ChunkBytes, bytes.Length - offset)), Digest = offset == 0 ? request.Digest : "" }, context.CancellationToken).ConfigureAwait(false);
        }
    }

    public override Task FetchVariant(FetchVariantRequest request, IServerStreamWriter<VariantChunk> responseStream, ServerCallContext context)
    {
        NodeOf(context);
        if (!Digest.IsDigest(request.Key))
        {
            throw RpcErrors.Invalid($"'{request.Key}' is not a variant key");
        }
        return VariantStreaming.WriteAsync(cache, request.Key, responseStream, context.CancellationToken);
    }

    public override Task<CompleteReply> Complete(CompleteRequest request, ServerCallContext context)
    {
        var node = NodeOf(context);
        if (!JobStates.IsFinal(request.State))
        {
            throw RpcErrors.Invalid($"'{request.State}' is not a final state");
        }
        var accepted = jobs.Finish(request.JobId, node, new JobResult(request.State, request.Error, request.Target, request.KernelMs, request.CacheHit,
            request.Usage ?? new JobUsage(), [.. request.Outputs], request.Log), request.Attempt > 0 ? request.Attempt : null);
        if (!accepted)
        {
            log.LogWarning("node {Node} reported job {Job}, which is no longer its own: ignored", node, request.JobId);
        }
        return Task.FromResult(new CompleteReply { Accepted = accepted });
    }

    public override Task<LeaveReply> Leave(LeaveRequest request, ServerCallContext context)
    {
        var node = NodeOf(context);
        var requeued = jobs.RequeueUnreported(node, [], TimeSpan.Zero);
        nodes.Leave(node);
        log.LogInformation("node {Node} left (drained); {Requeued} job(s) it still held re-queued", node, requeued);
        return Task.FromResult(new LeaveReply { Requeued = requeued });
    }

    private string NodeOf(ServerCallContext context)
    {
        var certificate = context.GetHttpContext().Connection.ClientCertificate
            ?? throw new RpcException(new Status(StatusCode.Unauthenticated, "NodeService needs a node certificate (mutual TLS on the node endpoint)"));
        var node = CertificateAuthority.NodeName(certificate);
        if (node == options.NodeName || node.Length == 0)
        {
            throw new RpcException(new Status(StatusCode.PermissionDenied, $"'{node}' cannot be a remote node's name"));
        }
        return node;
    }

    private static Device Owned(Device device, string node)
    {
        var copy = device.Clone();
        copy.Node = node;
        copy.Id = $"{node}/{device.Id.Split('/').Last()}";
        return copy;
    }
}
