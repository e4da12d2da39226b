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
public sealed record JobResult(string State, string Error, string Target, double KernelMs, bool CacheHit, JobUsage Usage, IReadOnlyList<JobOutput> Outputs);
