namespace LavaAccel.Host;

/// <summary>Names the signal behind a child's exit code (.NET reports 128 + signal).</summary>
public static class Signals
{
    /// <summary>E.g. <c>SIGSEGV</c> for 139, or <c>exit code 3</c>.</summary>
    public static string Describe(int exitCode) => exitCode switch
    {
        > 128 and < 160 => Name(exitCode - 128),
        _ => $"exit code {exitCode}",
    };

    /// <summary>The name of a signal number.</summary>
    public static string Name(int signal) => signal switch
    {
        4 => "SIGILL",
        5 => "SIGTRAP",
        6 => "SIGABRT",
        7 => "SIGBUS",
        8 => "SIGFPE",
        9 => "SIGKILL",
        11 => "SIGSEGV",
        13 => "SIGPIPE",
        15 => "SIGTERM",
        24 => "SIGXCPU",
        _ => $"signal {signal}",
    };
}
