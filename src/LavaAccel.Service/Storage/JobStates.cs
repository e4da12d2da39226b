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

    /// <summary>The API's enumeration of a state.</summary>
    public static LavaAccel.Api.V1.JobState ToEnum(string state) => state switch
    {
        Queued => LavaAccel.Api.V1.JobState.Queued,
        Running => LavaAccel.Api.V1.JobState.Running,
        Succeeded => LavaAccel.Api.V1.JobState.Succeeded,
        Failed => LavaAccel.Api.V1.JobState.Failed,
        Cancelled => LavaAccel.Api.V1.JobState.Cancelled,
        _ => LavaAccel.Api.V1.JobState.Unspecified,
    };

    /// <summary>The state an enumeration names ("" for unspecified).</summary>
    public static string FromEnum(LavaAccel.Api.V1.JobState state) => state switch
    {
        LavaAccel.Api.V1.JobState.Unspecified => "",
        _ => All.FirstOrDefault(s => ToEnum(s) == state) ?? "",
    };

    /// <summary>Whether a job in this state is over.</summary>
    public static bool IsFinal(string state) => state is Succeeded or Failed or Cancelled;
}
