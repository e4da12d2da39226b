namespace LavaAccel.Sandbox;

/// <summary>How a job ended.</summary>
public enum ExitReason
{
    /// <summary>The kernel ran to the end.</summary>
    Completed,

    /// <summary>The worker refused the job (bad job, variant that does not load, launch error).</summary>
    Error,

    /// <summary>The kernel died of a signal (SIGSEGV, SIGFPE, …).</summary>
    Crashed,

    /// <summary>The kernel made a system call the sandbox forbids.</summary>
    Forbidden,

    /// <summary>The wall-clock limit passed; the job was killed.</summary>
    TimedOut,

    /// <summary>The memory limit was reached; the OOM killer ended the job.</summary>
    OutOfMemory,

    /// <summary>The worker ended without a report for another reason.</summary>
    Killed,
}

/// <summary>Names of <see cref="ExitReason"/> for reports and logs.</summary>
public static class ExitReasons
{
    /// <summary>snake_case name, e.g. <c>out_of_memory</c>.</summary>
    public static string Name(this ExitReason reason) => reason switch
    {
        ExitReason.Completed => "completed",
        ExitReason.Error => "error",
        ExitReason.Crashed => "crashed",
        ExitReason.Forbidden => "forbidden_syscall",
        ExitReason.TimedOut => "timed_out",
        ExitReason.OutOfMemory => "out_of_memory",
        _ => "killed",
    };
}
