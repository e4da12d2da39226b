using Google.Protobuf;
using LavaAccel.Api.V1;
using LavaAccel.Service.Storage;

namespace LavaAccel.Service.Slurm;

/// <summary>
/// One lava job handed to Slurm (job mode): a directory under <c>DATA/slurm/jobs/ID.ATTEMPT</c>,
/// on a file system the Slurm nodes share, holding what the job runs (<c>claim.pb</c>: the request
/// with its placed target, limits, owner and attempt; <c>package.lava</c>), the batch script, the
/// Slurm job id once submitted, Slurm's output, and the result the node writes back (<c>result.pb</c>).
/// </summary>
public sealed class SlurmSpool(string directory)
{
    /// <summary>The spool directory.</summary>
    public string Directory { get; } = directory;

    /// <summary>What to run.</summary>
    public string Claim => Path.Combine(Directory, "claim.pb");

    /// <summary>The package.</summary>
    public string Package => Path.Combine(Directory, "package.lava");

    /// <summary>The batch script.</summary>
    public string Script => Path.Combine(Directory, "run.sh");

    /// <summary>The Slurm job id, once submitted.</summary>
    public string SlurmId => Path.Combine(Directory, "slurm-id");

    /// <summary>Slurm's output of the job.</summary>
    public string Output => Path.Combine(Directory, "slurm.out");

    /// <summary>The result (a <see cref="CompleteRequest"/>), written by the job itself.</summary>
    public string Result => Path.Combine(Directory, "result.pb");

    /// <summary>The spool of a job's attempt under <paramref name="root"/>.</summary>
    public static SlurmSpool For(string root, string jobId, int attempt) => new(Path.Combine(root, $"{jobId}.{attempt}"));

    /// <summary>Writes what the job runs (private to the service's user).</summary>
    public void Prepare(ClaimReply claim, byte[] package)
    {
        LavaAccel.Host.PrivateFiles.Directory(Directory);
        File.WriteAllBytes(Claim, claim.ToByteArray());
        File.WriteAllBytes(Package, package);
    }

    /// <summary>The result the job wrote, or null (it did not get that far).</summary>
    public CompleteRequest? ReadResult()
    {
        try
        {
            return File.Exists(Result) ? CompleteRequest.Parser.ParseFrom(File.ReadAllBytes(Result)) : null;
        }
        catch (InvalidProtocolBufferException)
        {
            return null;
        }
    }

    /// <summary>The last lines of Slurm's output (for an error message).</summary>
    public string OutputTail()
    {
        try
        {
            var lines = File.Exists(Output) ? File.ReadAllLines(Output).Where(l => l.Trim().Length > 0).TakeLast(2) : [];
            return string.Join(" | ", lines.Select(l => l.Trim()));
        }
        catch (IOException)
        {
            return "";
        }
    }

    /// <summary>The result as the store takes it.</summary>
    public static JobResult ToResult(CompleteRequest r) => new(r.State, r.Error, r.Target, r.KernelMs, r.CacheHit, r.Usage ?? new JobUsage(), [.. r.Outputs], r.Log);
}
