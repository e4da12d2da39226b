namespace LavaAccel.Scheduling;

/// <summary>One (node, device, target) the scheduler considered: why it was rejected, or its expected completion time in parts.</summary>
/// <param name="Node">Node.</param>
/// <param name="Device">Device id.</param>
/// <param name="Target">Target id.</param>
/// <param name="Rejection">Why it cannot run the job, or null.</param>
/// <param name="QueueSeconds">Wait for work already queued.</param>
/// <param name="TransferSeconds">Moving the job's buffers to the node.</param>
/// <param name="CompileSeconds">Compiling the variant if the node does not have it.</param>
/// <param name="RunSeconds">Estimated kernel time.</param>
/// <param name="RunBasis">Where the run estimate comes from (history or roofline).</param>
public sealed record CandidateScore(string Node, string Device, string Target, string? Rejection,
    double QueueSeconds, double TransferSeconds, double CompileSeconds, double RunSeconds, string RunBasis)
{
    /// <summary>Expected completion time.</summary>
    public double TotalSeconds => QueueSeconds + TransferSeconds + CompileSeconds + RunSeconds;

    /// <summary>Whether it can run the job.</summary>
    public bool Eligible => Rejection is null;
}
