using System.CommandLine;
using LavaAccel.Sandbox;
using LavaAccel.Service;
using LavaAccel.Service.Compute;
using LavaAccel.Service.Security;
using Microsoft.Extensions.Logging;

namespace LavaAccel.Cli.Service;

/// <summary><c>lava node --controller URL --name NAME [--certs DIR] [--targets T,…]</c>: join a controller as a compute node.</summary>
internal static class NodeCommand
{
    public static Command Create()
    {
        var controller = new Option<string>("--controller") { Description = "The controller's node endpoint, e.g. https://10.0.0.1:7803", Required = true };
        var name = new Option<string>("--name") { Description = "This node's name (its certificate is DIR/node-NAME.crt)", Required = true };
        var certs = new Option<string?>("--certs") { Description = "Directory with ca.crt and node-NAME.crt/.key from `lava certs init` (default: LAVA_HOME/service/certs)" };
        var targets = new Option<string?>("--targets") { Description = "Only offer these targets (comma-separated; default: everything this machine runs)" };
        var workers = new Option<int?>("--workers") { Description = "Jobs run at once (default: one per core)" };
        var pool = new Option<int>("--pool") { Description = "Warm containers kept ready", DefaultValueFactory = _ => 2 };
        var sandbox = new Option<string>("--sandbox") { Description = "Isolation of jobs: oci or bwrap (auto: oci as root, else bwrap)", DefaultValueFactory = _ => "auto" };
        var idleExit = new Option<double?>("--idle-exit") { Description = "End after SECONDS without a job (a Slurm pilot)" };
        var drainTimeout = new Option<double>("--drain-timeout") { Description = "On SIGTERM or Ctrl-C, let running jobs finish this many seconds before handing them back", DefaultValueFactory = _ => 60 };
        var command = new Command("node", "Run a compute node that joins a controller (mutual TLS); SIGTERM drains it") { controller, name, certs, targets, workers, pool, sandbox, idleExit, drainTimeout };
        command.SetAction(async (result, cancellation) =>
        {
            var directory = Path.GetFullPath(result.GetValue(certs) ?? CertificateAuthority.DirectoryIn(ServiceConnection.DefaultDataDirectory));
            var node = result.GetValue(name)!;
            var crt = Path.Combine(directory, $"node-{node}.crt");
            var key = Path.Combine(directory, $"node-{node}.key");
            if (!File.Exists(crt) || !File.Exists(key))
            {
                throw new LavaException($"no certificate for node '{node}' in {directory}: run `lava certs init --nodes {node}` on the controller and copy ca.crt, node-{node}.crt and node-{node}.key here");
            }
            var only = result.GetValue(targets) is { } t ? t.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToHashSet(StringComparer.Ordinal) : null;
            foreach (var target in only ?? [])
            {
                LavaAccel.Backends.BackendRegistry.For(TargetId.Parse(target));
            }
            var service = new ServiceOptions
            {
                DataDirectory = ServiceConnection.DefaultDataDirectory,
                NodeName = node,
                PoolSize = Math.Max(0, result.GetValue(pool)),
                Sandbox = SandboxKinds.ParseForService(result.GetValue(sandbox)!),
                OfferedTargets = only,
            };
            var options = new RemoteNodeOptions(result.GetValue(controller)!, crt, key, Path.Combine(directory, "ca.crt"), only,
                result.GetValue(workers) is { } w ? Math.Max(1, w) : Math.Max(1, Environment.ProcessorCount), service,
                result.GetValue(idleExit) is { } idle ? TimeSpan.FromSeconds(Math.Max(1, idle)) : null, TimeSpan.FromSeconds(Math.Max(0.1, result.GetValue(drainTimeout))));
            using var logging = LoggerFactory.Create(b => b.AddSimpleConsole(o => { o.SingleLine = true; o.TimestampFormat = "HH:mm:ss "; }).SetMinimumLevel(LogLevel.Information));
            // SIGTERM drains the node: no new jobs, the running ones finish (at most
            // --drain-timeout), the controller is told, exit 0. A second SIGTERM, or Ctrl-C, stops it at once.
            using var drain = new CancellationTokenSource();
            using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
            void Signal(System.Runtime.InteropServices.PosixSignalContext c)
            {
                c.Cancel = true;
                if (drain.IsCancellationRequested)
                {
                    stop.Cancel();
                }
                drain.Cancel();
            }
            using var onTerminate = System.Runtime.InteropServices.PosixSignalRegistration.Create(System.Runtime.InteropServices.PosixSignal.SIGTERM, Signal);
            await new RemoteNode(options, logging.CreateLogger("lava.node")).RunAsync(stop.Token, drain.Token).ConfigureAwait(false);
            return 0;
        });
        return command;
    }
}
