using LavaAccel.Api.V1;

namespace LavaAccel.Service.Storage;

/// <summary>How a run ended, as the executor reports it to the store.</summary>
/// <param name="State">succeeded, failed or cancelled.</param>
/// <param name="Error">One line for failures.</param>
/// <param name="Target">Target it ran on (or was meant to).</param>
/// <param name="KernelMs">Median kernel time.</param>
/// <param name="CacheHit">Whether the variant came from the cache.</param>
/// <param name="Usage">Resources used.</param>
/// <param name="Outputs">Written buffers as .npy bytes.</param>
/// <param name="Log">What the kernel printed (at most <see cref="MaxLogBytes"/>).</param>
public sealed record JobResult(string State, string Error, string Target, double KernelMs, bool CacheHit, JobUsage Usage, IReadOnlyList<JobOutput> Outputs, string Log = "")
{
    /// <summary>The most of a kernel's output a job keeps.</summary>
    public const int MaxLogBytes = 64 << 10;

    /// <summary>A kernel's output cut to what a job keeps, saying so when it was cut.</summary>
    public static string Bounded(string log) => log.Length <= MaxLogBytes ? log : log[..MaxLogBytes] + "\n[… output truncated by lava: more than 64 KiB]\n";
}
