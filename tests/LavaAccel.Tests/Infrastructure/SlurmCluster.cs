using System.Diagnostics;

namespace LavaAccel.Tests;

/// <summary>
/// A real Slurm 22.05 cluster on this host for the tests (<c>tools/slurm-cluster.sh</c>): one
/// <c>slurmctld</c> and two <c>slurmd</c> (n1: 2 CPUs, one <c>gpu:h100</c> GRES, feature
/// x86-64-v4; n2: 2 CPUs, feature x86-64-v3), own ports, state and logs under a temporary
/// directory, <c>auth/none</c> (no munge). <see cref="Available"/> is false (and the tests
/// return) without root or the Slurm packages.
/// </summary>
public sealed class SlurmCluster : IDisposable
{
    /// <summary>The cluster's directory (configuration, state, logs).</summary>
    public string Directory { get; } = System.IO.Directory.CreateTempSubdirectory("lava-slurm-").FullName;

    /// <summary>slurm.conf, for SLURM_CONF.</summary>
    public string Conf => Path.Combine(Directory, "slurm.conf");

    /// <summary>Whether the cluster is up.</summary>
    public bool Available { get; }

    /// <summary>Whether this machine cannot run one at all (not root, no Slurm packages): the tests return; CI has both.</summary>
    public bool Unsupported { get; }

    /// <summary>Why it is not.</summary>
    public string Why { get; } = "";

    public SlurmCluster()
    {
        if (!Environment.IsPrivilegedProcess || !File.Exists("/usr/sbin/slurmctld") || !File.Exists("/usr/sbin/slurmd") || !File.Exists("/usr/bin/sbatch"))
        {
            Why = "needs root and Debian's slurmctld, slurmd and slurm-client (tools/bootstrap.sh installs them)";
            Unsupported = true;
            return;
        }
        var (exit, output) = Script("start");
        Available = exit == 0;
        Why = Available ? "" : output;
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

    // tools/slurm-cluster.sh, the one recipe of the test cluster (also for benchmarks and people).
    private (int Exit, string Output) Script(string action)
    {
        var start = new ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in new[] { LavaCli.RepoFile("tools/slurm-cluster.sh"), action, Directory })
        {
            start.ArgumentList.Add(arg);
        }
        using var process = Process.Start(start)!;
        var error = process.StandardError.ReadToEndAsync();
        var output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        return (process.ExitCode, output + error.Result);
    }

    public void Dispose()
    {
        if (Available)
        {
            Script("stop");
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
