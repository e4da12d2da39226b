using LavaAccel.Host;
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
/// <param name="IdleExit">End after this long without a job (a Slurm pilot frees its allocation); null: run until stopped.</param>
/// <param name="DrainTimeout">How long a draining node lets its jobs finish before it stops them and hands them back.</param>
public sealed record RemoteNodeOptions(string Controller, string Certificate, string Key, string Ca, IReadOnlySet<string>? Targets, int Workers, ServiceOptions Service, TimeSpan? IdleExit = null, TimeSpan DrainTimeout = default)
{
    /// <summary>How long a draining node lets its jobs finish (default 60 s).</summary>
    public TimeSpan DrainTimeout { get; init; } = DrainTimeout > TimeSpan.Zero ? DrainTimeout : TimeSpan.FromSeconds(60);
}

/// <summary>
/// <c>lava node --controller URL</c>: a compute node that joins a controller over mutual TLS,
/// registers its devices, heartbeats, claims jobs it can run, fetches their packages by digest,
/// runs them in its own sandbox pool and reports results. If the controller declares it dead
/// (missed heartbeats), it registers again; its results for jobs re-placed meanwhile are refused.
/// </summary>
public sealed class RemoteNode(RemoteNodeOptions options, ILogger log)
{
    /// <summary>Runs until <paramref name="stop"/>.</summary>
    /// <param name="stop">Stops at once: running kernels are stopped and left to the controller to re-place.</param>
    /// <param name="drain">
    /// Stops gracefully (SIGTERM, Ctrl-C, the idle time of a pilot): claims nothing more, finishes
    /// the jobs it holds (for at most <see cref="RemoteNodeOptions.DrainTimeout"/>), tells the
    /// controller it leaves (what it still held is re-queued at once) and returns.
    /// </param>
    public async Task RunAsync(CancellationToken stop, CancellationToken drain = default)
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
        var runner = new JobRunner(packages, new VariantCache(compile: request => FetchOrCompile(controller, request)), new PerformanceHistory(PerformanceHistory.PathIn(LavaHome.Path)), deployment, options.Service);
        var interval = await RegisterAsync(controller, devices, stop).ConfigureAwait(false);
        log.LogInformation("node {Node} joined {Controller} with {Count} device(s): {Targets}", name, options.Controller, devices.Count, string.Join(", ", devices.SelectMany(d => d.Targets).Distinct()));
        using var draining = CancellationTokenSource.CreateLinkedTokenSource(drain);
        using var hard = CancellationTokenSource.CreateLinkedTokenSource(stop);
        using var beats = CancellationTokenSource.CreateLinkedTokenSource(hard.Token);
        using var deadline = draining.Token.Register(() =>
        {
            log.LogInformation("node {Node} draining: no new jobs; finishing those it holds (at most {Seconds} s)", name, options.DrainTimeout.TotalSeconds);
            hard.CancelAfter(options.DrainTimeout);
        });
        var worker = new NodeWorker(new ControllerJobSource(controller, packages, log), runner, name, log);
        var heartbeat = HeartbeatAsync(controller, devices, worker, interval, beats.Token);
        var idle = options.IdleExit is { } patience ? ExitWhenIdleAsync(worker, patience, draining, name) : Task.CompletedTask;
        try
        {
            await worker.RunAsync(options.Workers, hard.Token, draining.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (hard.IsCancellationRequested)
        {
            // stopped hard (or the drain took too long): the controller re-places what was running
        }
        await beats.CancelAsync().ConfigureAwait(false);
        await draining.CancelAsync().ConfigureAwait(false);
        foreach (var loop in new[] { heartbeat, idle })
        {
            try
            {
                await loop.ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                // ended with the node
            }
        }
        if (!stop.IsCancellationRequested)
        {
            try
            {
                var reply = await controller.LeaveAsync(new LeaveRequest(), deadline: DateTime.UtcNow.AddSeconds(10)).ConfigureAwait(false);
                log.LogInformation("node {Node} left {Controller}{Requeued}", name, options.Controller, reply.Requeued > 0 ? $"; {reply.Requeued} unfinished job(s) re-queued" : "");
            }
            catch (RpcException e)
            {
                log.LogWarning("telling the controller this node leaves failed ({Detail}); it will notice the missing heartbeats", e.Status.Detail);
            }
        }
    }

    // A pilot ends (drains) once it had nothing to do for the idle time (checked each half second).
    private async Task ExitWhenIdleAsync(NodeWorker worker, TimeSpan patience, CancellationTokenSource drain, string name)
    {
        var since = DateTime.UtcNow;
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(500));
        while (await timer.WaitForNextTickAsync(drain.Token).ConfigureAwait(false))
        {
            if (worker.Running.Count > 0)
            {
                since = DateTime.UtcNow;
            }
            else if (DateTime.UtcNow - since >= patience)
            {
                log.LogInformation("node {Node} idle for {Seconds} s: ending", name, patience.TotalSeconds);
                await drain.CancelAsync().ConfigureAwait(false);
                return;
            }
        }
    }

    // A variant the controller already compiled for the same key (same IR, target and backend
    // fingerprint) is fetched; anything else is compiled here.
    private CompileResult FetchOrCompile(NodeService.NodeServiceClient controller, CompileRequest request)
    {
        var (packagePath, target, output, key) = (request.PackagePath, request.Target, request.OutputPath, request.Key);
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
        var request = new RegisterNodeRequest { Workers = options.Workers };
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

    private async Task HeartbeatAsync(NodeService.NodeServiceClient controller, List<Device> devices, NodeWorker worker, TimeSpan interval, CancellationToken stop)
    {
        using var timer = new PeriodicTimer(interval);
        while (await timer.WaitForNextTickAsync(stop).ConfigureAwait(false))
        {
            try
            {
                var running = worker.Running;
                var request = new HeartbeatRequest { RunningJobs = running.Count, FreeMemoryBytes = GC.GetGCMemoryInfo().TotalAvailableMemoryBytes };
                request.Running.AddRange(running);
                var reply = await controller.HeartbeatAsync(request, deadline: DateTime.UtcNow + interval * 3, cancellationToken: stop).ConfigureAwait(false);
                foreach (var id in reply.Cancel)
                {
                    await worker.CancelAsync(id).ConfigureAwait(false);
                }
            }
            catch (RpcException e) when (e.StatusCode == StatusCode.FailedPrecondition)
            {
                // Declared dead (a pause longer than the controller's patience): its jobs were re-placed.
                log.LogWarning("the controller declared this node dead; registering again");
                foreach (var id in worker.Running)
                {
                    await worker.CancelAsync(id).ConfigureAwait(false);
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
}
