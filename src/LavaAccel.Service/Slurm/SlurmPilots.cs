using System.Globalization;
using LavaAccel.Backends;
using LavaAccel.Service.Placement;
using LavaAccel.Service.Security;
using LavaAccel.Service.Storage;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace LavaAccel.Service.Slurm;

/// <summary>
/// Pilot mode (the Dask-jobqueue / Parsl pattern): <c>sbatch</c> jobs that start <c>lava node</c>
/// on Slurm nodes, asking for what the waiting jobs need (<c>--gres gpu:1</c>, <c>--constraint
/// x86-64-v4</c>, the partition). A pilot joins over mutual TLS with a certificate issued for it,
/// takes the jobs the controller places on it like any node, and ends after an idle time; the
/// number of pilots follows the queue between a minimum and a maximum. Short kernels then pay no
/// Slurm latency.
/// </summary>
public sealed class SlurmPilots(JobStore jobs, NodeStore nodes, SlurmClient slurm, ServiceOptions options, ILogger<SlurmPilots> log) : BackgroundService
{
    /// <summary>Pilot names start with this.</summary>
    public const string Prefix = "pilot-";

    private readonly Dictionary<string, string> _pilots = new(StringComparer.Ordinal); // name → Slurm job id
    private readonly string _root = Path.Combine(options.DataDirectory, "slurm", "pilots");
    private readonly SlurmOptions _slurm = options.Slurm ?? new SlurmOptions();

    /// <summary>Pilots submitted and not yet ended.</summary>
    public int Count => _pilots.Count;

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                try
                {
                    await Task.Run(Pass, stoppingToken).ConfigureAwait(false);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    log.LogWarning("the pilot pass failed: {Message}", e.Message);
                }
                await Task.WhenAny(jobs.Changed.Next, Task.Delay(TimeSpan.FromSeconds(1), stoppingToken)).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException)
        {
            // stopping
        }
        finally
        {
            // The controller stops: its pilots would only idle until their timeout.
            foreach (var id in _pilots.Values)
            {
                slurm.Cancel(id);
            }
        }
    }

    private void Pass()
    {
        var states = slurm.States(_pilots.Values.ToList());
        foreach (var (name, id) in _pilots.ToList())
        {
            if (!states.TryGetValue(id, out var state) || state.Ended)
            {
                log.LogInformation("pilot {Pilot} (Slurm job {Id}) ended: {State}", name, id, state?.State ?? "gone");
                _pilots.Remove(name);
                try
                {
                    Directory.Delete(Path.Combine(_root, name), recursive: true);
                }
                catch (IOException)
                {
                    // its files stay until the next pilot with its name, which never comes
                }
            }
        }
        var live = nodes.List().Where(n => n.Alive && _pilots.ContainsKey(n.Name)).ToList();
        var starting = _pilots.Count - live.Count;
        var queued = jobs.Pending(ClusterPlacer.MaxPerPass);
        var unplaced = jobs.Unplaced(ClusterPlacer.MaxPerPass);
        var lanes = live.Sum(n => n.Workers);
        var wanted = _pilots.Count < _slurm.MinPilots
            || (queued.Count > 0 && (unplaced.Count > 0 || queued.Count > lanes) && starting == 0 && _pilots.Count < _slurm.MaxPilots);
        if (wanted)
        {
            Start(unplaced.Count > 0 ? unplaced[0] : queued.Count > 0 ? queued[0] : null);
        }
    }

    private string CertificateDirectory => options.CertificatesDirectory ?? CertificateAuthority.DirectoryIn(options.DataDirectory);

    private void Start(PendingJob? demand)
    {
        var name = Prefix + Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(4));
        LavaAccel.Host.PrivateFiles.Directory(_root);
        var home = Path.Combine(_root, name);
        // The pilot gets the CA's certificate and its own key pair, never the CA's key.
        var certificates = Path.Combine(home, "certs");
        LavaAccel.Host.PrivateFiles.Directory(home);
        LavaAccel.Host.PrivateFiles.Directory(certificates);
        CertificateAuthority.OpenOrCreate(CertificateDirectory).IssueNode(name);
        File.Copy(Path.Combine(CertificateDirectory, "ca.crt"), Path.Combine(certificates, "ca.crt"));
        foreach (var extension in new[] { ".crt", ".key" })
        {
            File.Move(Path.Combine(CertificateDirectory, $"node-{name}{extension}"), Path.Combine(certificates, $"node-{name}{extension}"));
        }
        var script = SlurmScripts.Write(Path.Combine(_root, name + ".sh"), new Dictionary<string, string> { ["LAVA_HOME"] = home },
            ["node", "--controller", Controller(), "--name", name, "--certs", certificates, "--workers", _slurm.PilotWorkers.ToString(CultureInfo.InvariantCulture),
             "--pool", "2", "--idle-exit", _slurm.Idle.TotalSeconds.ToString(CultureInfo.InvariantCulture), "--sandbox", options.Sandbox?.ToString().ToLowerInvariant() ?? "auto"]);
        var request = new List<string> { "--job-name", "lava-pilot", "--output", Path.Combine(_root, name + ".out"), "--ntasks", "1", "--cpus-per-task", _slurm.PilotWorkers.ToString(CultureInfo.InvariantCulture) };
        if (_slurm.Partition is { } partition)
        {
            request.AddRange(["--partition", partition]);
        }
        request.AddRange(Needs(demand));
        var id = slurm.Submit(script, request);
        _pilots[name] = id;
        log.LogInformation("pilot {Pilot} submitted to Slurm as {Id} ({Request})", name, id, string.Join(' ', request.Skip(6)));
    }

    // What the waiting job needs of a Slurm node: a GPU or FPGA as GRES, an ISA tier as a feature.
    private static IEnumerable<string> Needs(PendingJob? job)
    {
        if (job is null)
        {
            return [];
        }
        var id = job.Target is { } t ? TargetId.Parse(t) : null;
        var kind = job.Require ?? (id is null ? null : BackendRegistry.For(id).DeviceKind(id));
        if (kind is "gpu" or "fpga")
        {
            return ["--gres", kind + ":1"];
        }
        return id is { Backend: "cpu", Arch: "x86_64" } && id.Model.StartsWith("x86-64-v", StringComparison.Ordinal) && id.Model != "x86-64-v2" ? ["--constraint", id.Model] : [];
    }

    // The node endpoint as pilots reach it: given, or the listen address with a wildcard host made local.
    private string Controller() =>
        _slurm.PilotController ?? (options.NodeListen ?? throw new LavaException("pilot mode needs --node-listen (pilots join over mutual TLS)")).Replace("0.0.0.0", "127.0.0.1", StringComparison.Ordinal);
}
