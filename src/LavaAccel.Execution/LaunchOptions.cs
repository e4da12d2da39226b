namespace LavaAccel.Execution;

/// <summary>What the user asked to run (the options of <c>lava run</c>).</summary>
/// <param name="Input">A <c>.lava</c> package or an OpenCL C file (packed on the fly).</param>
/// <param name="Kernel">Kernel name.</param>
/// <param name="Global">Global size.</param>
/// <param name="Local">Local size, or null.</param>
/// <param name="Arguments"><c>NAME=VALUE</c> texts.</param>
/// <param name="Target"><c>auto</c> or a target id.</param>
/// <param name="Repeat">Repetitions.</param>
/// <param name="TimeLimit">Wall-clock limit, or null.</param>
/// <param name="Defines"><c>-D</c> definitions when packing an OpenCL C file.</param>
/// <param name="Sandbox">Isolation; null = the host's default.</param>
/// <param name="MemoryLimit">Memory limit in bytes, or null.</param>
/// <param name="Cpus">CPU quota in cores, or null.</param>
public sealed record LaunchOptions(
    string Input,
    string Kernel,
    long[] Global,
    long[]? Local,
    IReadOnlyList<string> Arguments,
    string Target = "auto",
    int Repeat = 1,
    TimeSpan? TimeLimit = null,
    IReadOnlyList<string>? Defines = null,
    LavaAccel.Sandbox.SandboxKind? Sandbox = null,
    long? MemoryLimit = null,
    double? Cpus = null)
{
    /// <summary>The most repetitions of one launch (each is timed and reported).</summary>
    public const int MaxRepeat = 100_000;

    /// <summary>The longest time limit one launch may ask for.</summary>
    public static readonly TimeSpan MaxTimeLimit = TimeSpan.FromDays(7);

    /// <summary>Untimed launches before the <see cref="Repeat"/> timed ones (in the same worker).</summary>
    public int Warmup { get; init; }
}
