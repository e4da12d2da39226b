using System.Collections.Concurrent;
using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using Grpc.Core;
using Grpc.Net.Client;
using LavaAccel.Api.V1;
using LavaAccel.Backends;
using LavaAccel.Cache;
using LavaAccel.Sandbox;
using LavaAccel.Scheduling;
using LavaAccel.Service.Security;
using LavaAccel.Service.Storage;
using Microsoft.Extensions.Logging;

namespace LavaAccel.Service.Compute;

/// <summary>Settings of <c>lava node</c>.</summary>
/// <param name="Controller">The controller's node endpoint (https://…).</param>
/// <param name="Certificate">This node's certificate file (its CN is the node's name).</param>
/// <param name="Key">Its private key file.</param>
/// <param name="Ca">The cluster CA certificate the controller's certificate must chain to.</param>
/// <param name="Targets">Only advertise these targets (null: everything this machine runs).</param>
/// <param name="Workers">Jobs run at once.</param>
/// <param name="Service">Sandbox and time-limit settings shared with the embedded node.</param>
public sealed record RemoteNodeOptions(string Controller, string Certificate, string Key, string Ca, IReadOnlySet<string>? Targets, int Workers, ServiceOptions Service);

/// <summary>
/// <c>lava node --controller URL</c>: a compute node that joins a controller over mutual TLS,
/// registers its devices, heartbeats, claims jobs it can run, fetches their packages by digest,
/// runs them in its own sandbox pool and reports results. If the controller declares it dead
/// (missed heartbeats), it registers again; its results for jobs re-placed meanwhile are refused.
/// </summary>
public sealed class RemoteNode(RemoteNodeOptions options, ILogger log)
{
    private readonly ConcurrentDictionary<string, CancellationTokenSource> _running = new(StringComparer.Ordinal);

    /// <summary>Runs until <paramref name="stop"/>.</summary>
    public async Task RunAsync(CancellationToken stop)
    {
        using var certificate = X509Certificate2.CreateFromPemFile(options.Certificate, options.Key);
        using var ca = CertificateAuthority.LoadCertificate(options.Ca);
        var handler = new SocketsHttpHandler
        {
            SslOptions = new SslClientAuthenticationOptions
            {
                ClientCertificates = [certificate],
                RemoteCertificateValidationCallback = (_, server, _, _) => server is not null && CertificateAuthority.Validates(ca, new X509Certificate2(server), CertificateAuthority.ServerAuth),
            },
            EnableMultipleHttp2Connections = true,
        };
        using var channel = GrpcChannel.ForAddress(options.Controller, new GrpcChannelOptions { HttpHandler = handler, MaxReceiveMessageSize = 512 << 20, MaxSendMessageSize = 512 << 20 });
        var controller = new NodeService.NodeServiceClient(channel);
        var name = CertificateAuthority.NodeName(certificate);
        var devices = DeviceCatalog.Discover(name, options.Targets);
        if (devices.Count == 0)
        {
            throw new LavaException($"node {name}: none of this machine's devices runs the targets given");
        }
        var packages = new NodePackageCache(Path.Combine(LavaHome.Path, "node-packages"));
        await using var deployment = new Deployment(LavaHome.Path, options.Service.PoolSize);
        var runner = new JobRunner(packages, new VariantCache(compile: (path, target, output) => FetchOrCompile(controller, path, target, output)), new PerformanceHistory(PerformanceHistory.PathIn(LavaHome.Path)), deployment, options.Service);
        var interval = await RegisterAsync(controller, devices, stop).ConfigureAwait(false);
        log.LogInformation("node {Node} joined {Controller} with {Count} device(s): {Targets}", name, options.Controller, devices.Count, string.Join(", ", devices.SelectMany(d => d.Targets).Distinct()));
        var loops = Enumerable.Range(0, Math.Max(1, options.Workers)).Select(_ => WorkAsync(controller, packages, runner, stop)).ToList();
        loops.Add(HeartbeatAsync(controller, devices, interval, stop));
        try
        {
            await Task.WhenAll(loops).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            // shutting down
        }
    }

    // A variant the controller already compiled for the same key (same IR, target and backend
    // fingerprint) is fetched; anything else is compiled here.
    private CompileResult FetchOrCompile(NodeService.NodeServiceClient controller, string packagePath, TargetId target, string output)
    {
        var key = VariantKey.Compute(Package.Load(packagePath), target);
        var clock = System.Diagnostics.Stopwatch.StartNew();
        try
        {
            using var call = controller.FetchVariant(new FetchVariantRequest { Key = key }, deadline: DateTime.UtcNow.AddMinutes(2));
            using var file = File.Create(output);
            VariantChunk? first = null;
            while (call.ResponseStream.MoveNext().GetAwaiter().GetResult())
            {
                first ??= call.ResponseStream.Current;
                call.ResponseStream.Current.Data.WriteTo(file);
            }
            if (first is not null)
            {
                log.LogInformation("variant {Target} of {Package} fetched from the controller", target, Path.GetFileName(packagePath));
                return new CompileResult(target, output, first.CompileMs, clock.Elapsed.TotalMilliseconds, file.Length, first.KernelModes, first.Extension.Length > 0 ? first.Extension : ".so");
            }
        }
        catch (RpcException e) when (e.StatusCode is StatusCode.NotFound or StatusCode.Unavailable or StatusCode.DeadlineExceeded)
        {
            // not compiled there (or unreachable): compile here
        }
        return CompileWorkerClient.Compile(packagePath, target, output);
    }

    private async Task<TimeSpan> RegisterAsync(NodeService.NodeServiceClient controller, List<Device> devices, CancellationToken stop)
    {
        var request = new RegisterNodeRequest();
        request.Devices.AddRange(devices);
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                var reply = await controller.RegisterAsync(request, cancellationToken: stop).ConfigureAwait(false);
                return TimeSpan.FromMilliseconds(Math.Max(100, reply.HeartbeatMs));
            }
            catch (RpcException e) when (e.StatusCode is StatusCode.Unavailable or StatusCode.DeadlineExceeded && !stop.IsCancellationRequested)
            {
                if (attempt == 1 || attempt % 10 == 0)
                {
                    log.LogWarning("cannot reach the controller at {Controller} ({Detail}); retrying", options.Controller, e.Status.Detail);
                }
                await Task.Delay(TimeSpan.FromMilliseconds(500), stop).ConfigureAwait(false);
            }
        }
    }

    private async Task HeartbeatAsync(NodeService.NodeServiceClient controller, List<Device> devices, TimeSpan interval, CancellationToken stop)
    {
        using var timer = new PeriodicTimer(interval);
        while (await timer.WaitForNextTickAsync(stop).ConfigureAwait(false))
        {
            try
            {
                var request = new HeartbeatRequest { RunningJobs = _running.Count, FreeMemoryBytes = GC.GetGCMemoryInfo().TotalAvailableMemoryBytes };
                request.Running.AddRange(_running.Keys);
                var reply = await controller.HeartbeatAsync(request, deadline: DateTime.UtcNow + interval * 3, cancellationToken: stop).ConfigureAwait(false);
                foreach (var id in reply.Cancel)
                {
                    if (_running.TryGetValue(id, out var cancel))
                    {
                        await CancelQuietly(cancel).ConfigureAwait(false);
                    }
                }
            }
            catch (RpcException e) when (e.StatusCode == StatusCode.FailedPrecondition)
            {
                // Declared dead (a pause longer than the controller's patience): its jobs were re-placed.
                log.LogWarning("the controller declared this node dead; registering again");
                foreach (var cancel in _running.Values)
                {
                    await CancelQuietly(cancel).ConfigureAwait(false);
                }
                await RegisterAsync(controller, devices, stop).ConfigureAwait(false);
            }
            catch (RpcException e) when (!stop.IsCancellationRequested)
            {
                log.LogWarning("heartbeat failed: {Detail}", e.Status.Detail);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // The heartbeat must outlive any one failure, or the node turns into a zombie.
                log.LogError(e, "heartbeat failed");
            }
        }
    }

    // A job's token may be disposed by its worker between being looked up and being cancelled.
    private static async Task CancelQuietly(CancellationTokenSource cancel)
    {
        try
        {
            await cancel.CancelAsync().ConfigureAwait(false);
        }
        catch (ObjectDisposedException)
        {
            // the job already ended
        }
    }

    private async Task WorkAsync(NodeService.NodeServiceClient controller, NodePackageCache packages, JobRunner runner, CancellationToken stop)
    {
        while (!stop.IsCancellationRequested)
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
                continue;
            }
            if (claim.JobId.Length == 0)
            {
                continue;
            }
            using var cancel = CancellationTokenSource.CreateLinkedTokenSource(stop);
            _running[claim.JobId] = cancel;
            JobResult result;
            try
            {
                await packages.EnsureAsync(claim.Request.PackageDigest, controller, cancel.Token).ConfigureAwait(false);
                result = await runner.RunAsync(new Job { Id = claim.JobId, Owner = claim.Owner }, claim.Request, claim.MemoryLimitBytes, cancel.Token).ConfigureAwait(false);
            }
            catch (Exception e) when (e is not OperationCanceledException || !stop.IsCancellationRequested)
            {
                // Whatever went wrong, the job ends failed with the reason, and this worker goes on.
                var reason = e switch
                {
                    RpcException r => $"fetching the package failed: {r.Status.Detail}",
                    LavaException => e.Message,
                    _ => $"internal error on node: {e.GetType().Name}: {e.Message}",
                };
                result = new JobResult(JobStates.Failed, reason, claim.Request.Target, 0, false, new JobUsage(), []);
            }
            if (stop.IsCancellationRequested)
            {
                return; // the controller re-places it when this node is declared dead or registers again
            }
            // Still reported in heartbeats until the controller has the result, or it would be re-queued meanwhile.
            try
            {
                await CompleteAsync(controller, claim.JobId, claim.Attempt, result, stop).ConfigureAwait(false);
            }
            finally
            {
                _running.TryRemove(claim.JobId, out _);
            }
        }
    }

    // Until the controller has it (or this node stops): a lost result would leave the job running
    // until the controller notices the node no longer reports it.
    private async Task CompleteAsync(NodeService.NodeServiceClient controller, string id, int attempt, JobResult result, CancellationToken stop)
    {
        var request = new CompleteRequest { JobId = id, Attempt = attempt, State = result.State, Error = result.Error, Target = result.Target, KernelMs = result.KernelMs, CacheHit = result.CacheHit, Usage = result.Usage };
        request.Outputs.AddRange(result.Outputs);
        while (!stop.IsCancellationRequested)
        {
            try
            {
                var reply = await controller.CompleteAsync(request, deadline: DateTime.UtcNow.AddSeconds(60), cancellationToken: stop).ConfigureAwait(false);
                if (!reply.Accepted)
                {
                    log.LogWarning("the controller refused the result of {Job} (re-placed or cancelled meanwhile)", id);
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
                log.LogWarning("reporting {Job} failed ({Detail}); retrying", id, e.Status.Detail);
                await Task.Delay(1000, stop).ConfigureAwait(false);
            }
        }
    }
}
