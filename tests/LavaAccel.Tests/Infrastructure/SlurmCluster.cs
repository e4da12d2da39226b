using System.Diagnostics;

namespace LavaAccel.Tests;

/// <summary>
/// A real Slurm 22.05 cluster on this host for the tests: one <c>slurmctld</c> and two
/// <c>slurmd</c> (n1: 2 CPUs, one <c>gpu:h100</c> GRES, feature x86-64-v4; n2: 2 CPUs, feature
/// x86-64-v3), own ports, spool and state under a temporary directory, <c>auth/none</c> (no munge).
/// 22.05 drops a GPU GRES without a device file (the node turns INVAL), so gres.conf names
/// /dev/null; NodeAddr must be given or slurmctld hangs resolving the node names.
/// <see cref="Available"/> is false (and the tests return) without root or the Slurm packages.
/// </summary>
public sealed class SlurmCluster : IDisposable
{
    private readonly List<Process> _daemons = [];

    /// <summary>The cluster's directory (configuration, state, logs).</summary>
    public string Directory { get; } = System.IO.Directory.CreateTempSubdirectory("lava-slurm-").FullName;

    /// <summary>slurm.conf, for SLURM_CONF.</summary>
    public string Conf => Path.Combine(Directory, "slurm.conf");

    /// <summary>Whether the cluster is up.</summary>
    public bool Available { get; }

    /// <summary>Why it is not.</summary>
    public string Why { get; } = "";

    public SlurmCluster()
    {
        if (!Environment.IsPrivilegedProcess || !File.Exists("/usr/sbin/slurmctld") || !File.Exists("/usr/sbin/slurmd") || !File.Exists("/usr/bin/sbatch"))
        {
            Why = "needs root and Debian's slurmctld, slurmd and slurm-client (tools/bootstrap.sh installs them)";
            return;
        }
        var basePort = 26_000 + Random.Shared.Next(0, 300) * 3;
        foreach (var sub in new[] { "state/ctld", "state/n1", "state/n2", "log", "run" })
        {
            System.IO.Directory.CreateDirectory(Path.Combine(Directory, sub));
        }
        File.WriteAllText(Conf, $"""
            ClusterName=lavatest
            SlurmctldHost=localhost
            SlurmUser=root
            SlurmdUser=root
            SlurmctldPort={basePort}
            SlurmdPort={basePort + 1}
            AuthType=auth/none
            CredType=cred/none
            StateSaveLocation={Directory}/state/ctld
            SlurmdSpoolDir={Directory}/state/%n
            SlurmctldPidFile={Directory}/run/slurmctld.pid
            SlurmdPidFile={Directory}/run/slurmd-%n.pid
            SlurmctldLogFile={Directory}/log/slurmctld.log
            SlurmdLogFile={Directory}/log/slurmd-%n.log
            SelectType=select/cons_tres
            SelectTypeParameters=CR_Core
            ProctrackType=proctrack/linuxproc
            TaskPlugin=task/none
            JobAcctGatherType=jobacct_gather/none
            AccountingStorageType=accounting_storage/none
            JobCompType=jobcomp/none
            MpiDefault=none
            SwitchType=switch/none
            ReturnToService=2
            MailProg=/bin/true
            MinJobAge=300
            SchedulerParameters=batch_sched_delay=0
            SlurmdParameters=config_overrides
            GresTypes=gpu
            NodeName=n1 NodeAddr=127.0.0.1 Port={basePort + 1} CPUs=2 RealMemory=4000 Gres=gpu:h100:1 Feature=x86-64-v4 State=UNKNOWN
            NodeName=n2 NodeAddr=127.0.0.1 Port={basePort + 2} CPUs=2 RealMemory=4000 Feature=x86-64-v3 State=UNKNOWN
            PartitionName=lava Nodes=n1,n2 Default=YES MaxTime=INFINITE State=UP

            """);
        File.WriteAllText(Path.Combine(Directory, "gres.conf"), "NodeName=n1 Name=gpu Type=h100 File=/dev/null\n");
        Start("/usr/sbin/slurmctld", "-D", "-f", Conf);
        Start("/usr/sbin/slurmd", "-D", "-N", "n1", "-f", Conf);
        Start("/usr/sbin/slurmd", "-D", "-N", "n2", "-f", Conf);
        var deadline = DateTime.UtcNow.AddSeconds(60);
        var states = "";
        while (DateTime.UtcNow < deadline)
        {
            states = Command("sinfo", "-h", "-N", "-o", "%N=%T").Output;
            if (states.Contains("n1=idle", StringComparison.Ordinal) && states.Contains("n2=idle", StringComparison.Ordinal))
            {
                Available = true;
                return;
            }
            Thread.Sleep(250);
        }
        Why = $"the Slurm test cluster did not become idle in 60 s (sinfo: {states.Trim()}); logs in {Directory}/log";
    }

    /// <summary>Runs a Slurm client command against this cluster.</summary>
    public (int Exit, string Output) Command(string tool, params string[] args)
    {
        var start = new ProcessStartInfo(tool) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }
        start.Environment["SLURM_CONF"] = Conf;
        using var process = Process.Start(start)!;
        var error = process.StandardError.ReadToEndAsync();
        var output = process.StandardOutput.ReadToEnd();
        if (!process.WaitForExit(TimeSpan.FromSeconds(30)))
        {
            process.Kill();
        }
        return (process.ExitCode, output + error.Result);
    }

    private void Start(string daemon, params string[] args)
    {
        var start = new ProcessStartInfo(daemon) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }
        start.Environment["SLURM_CONF"] = Conf;
        var process = Process.Start(start)!;
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        _daemons.Add(process);
    }

    public void Dispose()
    {
        if (_daemons.Count > 0)
        {
            // Jobs outlive `scontrol shutdown` (they reattach on restart): cancel them first.
            Command("scancel", "--full", "-p", "lava");
            Command("scontrol", "shutdown");
        }
        foreach (var daemon in _daemons)
        {
            if (!daemon.WaitForExit(TimeSpan.FromSeconds(5)))
            {
                daemon.Kill(entireProcessTree: true);
                daemon.WaitForExit(5000);
            }
            daemon.Dispose();
        }
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
            // a job's file still open; the temporary directory is left
        }
    }
}
