using System.CommandLine;
using LavaAccel.Sandbox;
using LavaAccel.Service;
using LavaAccel.Service.Slurm;
using Microsoft.Extensions.Hosting;

namespace LavaAccel.Cli.Service;

/// <summary><c>lava serve [--roles controller,access,compute] [--listen URL] [--data DIR]</c></summary>
internal static class ServeCommand
{
    public static Command Create()
    {
        var roles = new Option<string>("--roles") { Description = "Roles of this process (comma-separated)", DefaultValueFactory = _ => "controller,access,compute" };
        var listen = new Option<string>("--listen") { Description = "Address to serve gRPC on", DefaultValueFactory = _ => ServiceConnection.DefaultServer };
        var metrics = new Option<string?>("--metrics-listen") { Description = "Address of the Prometheus /metrics endpoint (HTTP/1.1; default: the listen port + 1)" };
        var web = new Option<string?>("--web-listen") { Description = "Address of the web dashboard (default: the listen host, port + 2, e.g. http://127.0.0.1:7802/; https:// with the controller's certificate; 'none': no dashboard)" };
        var benchmarks = new Option<string?>("--benchmarks") { Description = "Directory of lava bench reports the dashboard shows (default: LAVA_HOME/benchmarks)" };
        var nodeListen = new Option<string?>("--node-listen") { Description = "Accept compute nodes (mutual TLS) on https://ADDRESS:PORT; needs `lava certs init`" };
        var deadAfter = new Option<double>("--node-dead-after") { Description = "Seconds without a heartbeat before a node is declared dead and its jobs re-placed", DefaultValueFactory = _ => 5 };
        var data = new Option<string?>("--data") { Description = "Database, packages and tokens (default: LAVA_HOME/service)" };
        var workers = new Option<int?>("--workers") { Description = "Jobs run at once on this node (default: one per core)" };
        var pool = new Option<int>("--pool") { Description = "Warm containers kept ready per sandbox kind and limits", DefaultValueFactory = _ => 2 };
        var sandbox = new Option<string>("--sandbox") { Description = "Isolation of jobs: oci or bwrap (auto: oci as root, else bwrap)", DefaultValueFactory = _ => "auto" };
        var maxUpload = new Option<string>("--max-upload") { Description = "Largest package accepted", DefaultValueFactory = _ => "256M" };
        var executor = new Option<string>("--executor") { Description = "Where jobs run: local (lava's own nodes: the embedded one and those that join) or slurm (the Slurm cluster SLURM_CONF names)", DefaultValueFactory = _ => "local" };
        var slurmMode = new Option<string>("--slurm-mode") { Description = "With --executor slurm: pilot (sbatch pilots that run lava node and take jobs) or job (one Slurm job per lava job)", DefaultValueFactory = _ => "pilot" };
        var partition = new Option<string?>("--slurm-partition") { Description = "Slurm partition to submit to (default: the cluster's default)" };
        var minPilots = new Option<int>("--pilots-min") { Description = "Pilots kept running with an empty queue", DefaultValueFactory = _ => 0 };
        var maxPilots = new Option<int>("--pilots-max") { Description = "Pilots at most", DefaultValueFactory = _ => 4 };
        var pilotIdle = new Option<double>("--pilot-idle") { Description = "Seconds a pilot waits for work before it ends", DefaultValueFactory = _ => 60 };
        var pilotWorkers = new Option<int>("--pilot-workers") { Description = "Jobs a pilot runs at once (its CPUs per task)", DefaultValueFactory = _ => 1 };
        var drainSeconds = new Option<double>("--drain-seconds") { Description = "On SIGTERM, report NOT_SERVING for this long before closing", DefaultValueFactory = _ => 2 };
        var pilotController = new Option<string?>("--pilot-controller") { Description = "The node endpoint as pilots on Slurm nodes reach it, e.g. https://head:7803 (default: --node-listen)" };
        var command = new Command("serve", "Run the gRPC service: access, controller and an embedded compute node in one process with SQLite storage; with --executor slurm, jobs run through Slurm")
        {
            roles, listen, metrics, web, benchmarks, nodeListen, deadAfter, data, workers, pool, sandbox, maxUpload, executor, slurmMode, partition, minPilots, maxPilots, pilotIdle, pilotWorkers, pilotController, drainSeconds,
        };
        command.SetAction(async (result, cancellation) =>
        {
            var roleSet = result.GetValue(roles)!.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToHashSet(StringComparer.Ordinal);
            var unknown = roleSet.Except(["controller", "access", "compute"]).ToList();
            if (unknown.Count > 0 || roleSet.Count == 0)
            {
                throw new LavaException($"--roles: unknown role {string.Join(", ", unknown)} (controller, access, compute)");
            }
            if (!roleSet.Contains("controller"))
            {
                throw new LavaException("--roles without controller: a separate compute node joins a controller with `lava node --controller URL`");
            }
            SlurmOptions? slurm = null;
            switch (result.GetValue(executor))
            {
                case "local":
                    break;
                case "slurm":
                    var mode = result.GetValue(slurmMode);
                    if (mode is not ("pilot" or "job"))
                    {
                        throw new LavaException($"--slurm-mode '{mode}' is not pilot or job");
                    }
                    if (!SlurmClient.Reachable(out var why))
                    {
                        throw new LavaException($"--executor slurm: {why}");
                    }
                    if (mode == "pilot" && result.GetValue(nodeListen) is null)
                    {
                        throw new LavaException("--executor slurm --slurm-mode pilot needs --node-listen https://ADDRESS:PORT: pilots join over mutual TLS (`lava certs init` first)");
                    }
                    var (min, max) = (Math.Max(0, result.GetValue(minPilots)), Math.Max(1, result.GetValue(maxPilots)));
                    if (min > max)
                    {
                        throw new LavaException($"--pilots-min {min} exceeds --pilots-max {max}");
                    }
                    slurm = new SlurmOptions(mode, result.GetValue(partition), min, max, TimeSpan.FromSeconds(Math.Max(1, result.GetValue(pilotIdle))),
                        result.GetValue(pilotController), Math.Max(1, result.GetValue(pilotWorkers)));
                    roleSet.Remove("compute"); // the Slurm cluster computes, not this process
                    break;
                default:
                    throw new LavaException($"--executor '{result.GetValue(executor)}' is not local or slurm");
            }
            var options = new ServiceOptions
            {
                Slurm = slurm,
                DrainTime = TimeSpan.FromSeconds(Math.Clamp(result.GetValue(drainSeconds), 0, 600)),
                DataDirectory = Path.GetFullPath(result.GetValue(data) ?? ServiceConnection.DefaultDataDirectory),
                Listen = result.GetValue(listen)!,
                MetricsListen = result.GetValue(metrics),
                WebListen = WebListen(result.GetValue(web), result.GetValue(listen)!),
                BenchmarksDirectory = result.GetValue(benchmarks) is { } b ? Path.GetFullPath(b) : null,
                NodeListen = result.GetValue(nodeListen),
                NodeDeadAfter = TimeSpan.FromSeconds(Math.Max(1, result.GetValue(deadAfter))),
                Roles = roleSet,
                Workers = result.GetValue(workers) is { } w ? Math.Max(1, w) : Math.Max(1, Environment.ProcessorCount),
                PoolSize = Math.Max(0, result.GetValue(pool)),
                Sandbox = SandboxKinds.ParseForService(result.GetValue(sandbox)!),
                MaxUploadBytes = SandboxLimits.ParseSize(result.GetValue(maxUpload)!),
            };
            await using var app = ServiceHost.Build(options, extensions: [new LavaAccel.Web.WebDashboard()]);
            await app.StartAsync(cancellation).ConfigureAwait(false);
            Console.Error.WriteLine($"lava serve: {string.Join(", ", roleSet.Order(StringComparer.Ordinal))}{(slurm is null ? "" : $", jobs through Slurm ({slurm.Mode} mode)")} on {options.Listen}{(options.NodeListen is null ? "" : ", nodes on " + options.NodeListen)} (metrics: {options.MetricsListen ?? "listen port + 1"}/metrics{(options.WebListen is null ? "" : "; dashboard: " + options.WebListen)}); data in {options.DataDirectory} (admin token: {Path.Combine(options.DataDirectory, ServiceHost.AdminTokenFile)})");
            await app.WaitForShutdownAsync(cancellation).ConfigureAwait(false);
            return 0;
        });
        return command;
    }

    // The dashboard's address: given, 'none', or the API's host with its port + 2 (http://127.0.0.1:7802/ by default).
    private static string? WebListen(string? given, string listen)
    {
        if (given == "none")
        {
            return null;
        }
        if (given is not null)
        {
            return given;
        }
        return Uri.TryCreate(listen, UriKind.Absolute, out var api) ? $"{api.Scheme}://{api.Host}:{api.Port + 2}/" : null;
    }
}
