using Google.Protobuf;
using LavaAccel.Api.V1;
using LavaAccel.Cache;
using LavaAccel.Sandbox;
using LavaAccel.Scheduling;
using LavaAccel.Service.Compute;
using LavaAccel.Service.Storage;

namespace LavaAccel.Service.Slurm;

/// <summary>
/// <c>lava slurm-job SPOOL</c>, the Slurm side of job mode: runs one lava job on the Slurm node
/// it was given, through the same launch pipeline and sandbox as any node, and writes the result
/// for the controller. SIGTERM (scancel, Slurm's time limit) stops the kernel and reports it cancelled.
/// </summary>
public static class SlurmJobRun
{
    /// <summary>Runs the spool's job; returns 0 when a result was written (whatever the job's state).</summary>
    public static async Task<int> RunAsync(string spoolDirectory, SandboxKind? sandbox, CancellationToken stop)
    {
        var spool = new SlurmSpool(spoolDirectory);
        var claim = ClaimReply.Parser.ParseFrom(File.ReadAllBytes(spool.Claim));
        var options = new ServiceOptions { DataDirectory = spool.Directory, NodeName = Environment.GetEnvironmentVariable("SLURMD_NODENAME") ?? "slurm", Sandbox = sandbox };
        await using var deployment = new Deployment(LavaAccel.Host.LavaHome.Path, 0);
        var runner = new JobRunner(new SpoolPackage(spool), new VariantCache(), new PerformanceHistory(), deployment, options);
        var result = await runner.RunAsync(new Job { Id = claim.JobId, Owner = claim.Owner }, claim.Request, claim.MemoryLimitBytes, stop).ConfigureAwait(false);
        var complete = new CompleteRequest { JobId = claim.JobId, Attempt = claim.Attempt, State = result.State, Error = result.Error, Target = result.Target, KernelMs = result.KernelMs, CacheHit = result.CacheHit, Usage = result.Usage, Log = result.Log };
        complete.Outputs.AddRange(result.Outputs);
        var temporary = spool.Result + ".tmp";
        await File.WriteAllBytesAsync(temporary, complete.ToByteArray(), CancellationToken.None).ConfigureAwait(false);
        File.Move(temporary, spool.Result, overwrite: true);
        return 0;
    }

    private sealed class SpoolPackage(SlurmSpool spool) : IPackageSource
    {
        public Package Load(string digest)
        {
            var package = Package.Load(spool.Package);
            return package.Digest == digest ? package : throw new LavaException($"the spooled package is {package.Digest}, not {digest}");
        }

        public string PathOf(string digest) => spool.Package;
    }
}
