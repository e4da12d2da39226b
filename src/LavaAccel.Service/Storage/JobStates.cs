namespace LavaAccel.Service.Storage;

/// <summary>A job's states: queued → running → succeeded | failed | cancelled (queued → cancelled too).</summary>
public static class JobStates
{
    public const string Queued = "queued";
    public const string Running = "running";
    public const string Succeeded = "succeeded";
    public const string Failed = "failed";
    public const string Cancelled = "cancelled";

    /// <summary>Every state.</summary>
    public static IReadOnlyList<string> All { get; } = [Queued, Running, Succeeded, Failed, Cancelled];

    /// <summary>Whether a job in this state is over.</summary>
    public static bool IsFinal(string state) => state is Succeeded or Failed or Cancelled;
}
