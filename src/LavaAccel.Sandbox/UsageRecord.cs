namespace LavaAccel.Sandbox;

/// <summary>
/// What one job used: the record accounting and billing build on. CPU time and peak memory come
/// from the container's cgroup where there is one (every process and thread in it, even when the
/// job was killed), else from the worker's own <c>getrusage</c>.
/// </summary>
/// <param name="JobId">The sandbox's id.</param>
/// <param name="Sandbox">oci, bwrap or none.</param>
/// <param name="WallMs">From dispatch to the worker's end.</param>
/// <param name="UserCpuMs">User CPU time.</param>
/// <param name="SystemCpuMs">System CPU time.</param>
/// <param name="PeakMemoryBytes">Peak memory (cgroup: anonymous and page cache; rusage: max RSS).</param>
/// <param name="Exit">How the job ended.</param>
/// <param name="Source"><c>cgroup-v1</c>, <c>cgroup-v2</c> or <c>rusage</c>.</param>
public sealed record UsageRecord(
    string JobId,
    string Sandbox,
    double WallMs,
    double UserCpuMs,
    double SystemCpuMs,
    long PeakMemoryBytes,
    ExitReason Exit,
    string Source)
{
    /// <summary>User plus system CPU time.</summary>
    public double CpuMs => UserCpuMs + SystemCpuMs;
}
