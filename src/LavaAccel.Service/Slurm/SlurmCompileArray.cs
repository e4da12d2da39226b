using System.Globalization;
using LavaAccel.Backends;
using LavaAccel.Cache;

namespace LavaAccel.Service.Slurm;

/// <summary>
/// <c>lava compile … --targets all</c> on a Slurm controller: the missing variants are compiled by
/// one Slurm job array (<c>sbatch --array=0-(N-1)</c>), a task per target, each running
/// <c>lava slurm-compile</c> into the controller's variant cache (on the shared file system);
/// the controller waits for the array and answers from the cache.
/// </summary>
public sealed class SlurmCompileArray(SlurmClient slurm, ServiceOptions options)
{
    /// <summary>Spool file naming the array's targets, one per line (task i compiles line i).</summary>
    public const string TargetsFile = "targets.txt";

    /// <summary>Compiles <paramref name="targets"/> of <paramref name="package"/> that <paramref name="cache"/> lacks; returns the Slurm array job id, or null when nothing was missing.</summary>
    public async Task<string?> CompileAsync(Package package, IReadOnlyList<TargetId> targets, VariantCache cache, CancellationToken cancellation)
    {
        var missing = targets.Where(t => cache.TryGet(package, t) is null).ToList();
        if (missing.Count == 0)
        {
            return null;
        }
        var spool = Path.Combine(options.DataDirectory, "slurm", "compile", Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(6)));
        LavaAccel.Host.PrivateFiles.Directory(spool);
        try
        {
            File.WriteAllBytes(Path.Combine(spool, "package.lava"), package.Bytes);
            File.WriteAllLines(Path.Combine(spool, TargetsFile), missing.Select(t => t.ToString()));
            var script = SlurmScripts.Write(Path.Combine(spool, "compile.sh"), new Dictionary<string, string> { ["LAVA_HOME"] = LavaAccel.Host.LavaHome.Path }, ["slurm-compile", spool]);
            var request = new List<string> { "--job-name", "lava-compile", "--array", $"0-{missing.Count - 1}", "--output", Path.Combine(spool, "task-%a.out"), "--ntasks", "1", "--cpus-per-task", "1", "--time", "30" };
            if (options.Slurm?.Partition is { } partition)
            {
                request.AddRange(["--partition", partition]);
            }
            var id = slurm.Submit(script, request);
            var deadline = DateTime.UtcNow.AddMinutes(30);
            while (slurm.Active(id))
            {
                if (DateTime.UtcNow > deadline)
                {
                    slurm.Cancel(id);
                    throw new LavaException($"the Slurm compile array {id} did not finish in 30 minutes");
                }
                await Task.Delay(250, cancellation).ConfigureAwait(false);
            }
            return id;
        }
        finally
        {
            try
            {
                Directory.Delete(spool, recursive: true);
            }
            catch (IOException)
            {
                // a task's output still open
            }
        }
    }

    /// <summary>One task of the array (<c>lava slurm-compile SPOOL</c>): compiles the target on line <c>SLURM_ARRAY_TASK_ID</c> into this LAVA_HOME's cache.</summary>
    public static int RunTask(string spool)
    {
        var index = int.Parse(Environment.GetEnvironmentVariable("SLURM_ARRAY_TASK_ID") ?? throw new LavaException("slurm-compile runs as a Slurm array task (no SLURM_ARRAY_TASK_ID)"), CultureInfo.InvariantCulture);
        var target = TargetId.Parse(File.ReadAllLines(Path.Combine(spool, TargetsFile))[index]);
        var variant = new VariantCache().GetOrCompile(Package.Load(Path.Combine(spool, "package.lava")), target);
        Console.WriteLine($"{target}: {variant.Key}");
        return 0;
    }
}
