using LavaAccel.Sandbox;

namespace LavaAccel.Execution;

/// <summary>A kernel run that did not complete: how it ended (<see cref="Exit"/>) and, as the message, why.</summary>
public sealed class RunFailedException : LavaException
{
    /// <summary>A failed run.</summary>
    public RunFailedException(ExitReason exit, string message, UsageRecord? usage = null)
        : base(message)
    {
        Exit = exit;
        Usage = usage;
    }

    /// <summary>What the run used before it ended (a failed job is billed for it).</summary>
    public UsageRecord? Usage { get; }

    /// <summary>How it ended: crashed, timed out, forbidden call, out of memory, …</summary>
    public ExitReason Exit { get; }
}
