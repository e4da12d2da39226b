using LavaAccel.Sandbox;

namespace LavaAccel.Execution;

/// <summary>
/// One launch, however it arrived (<c>lava run</c>'s options or a job submitted to the service):
/// what the pipeline in <see cref="KernelLauncher"/> binds, places, compiles, runs and records.
/// </summary>
/// <param name="Package">The package.</param>
/// <param name="Kernel">Kernel name.</param>
/// <param name="Global">Global size.</param>
/// <param name="Local">Local size, or null (chosen for the kernel).</param>
/// <param name="Arguments">The arguments as given.</param>
/// <param name="BaseDirectory">Where <c>@FILE</c> arguments are read from; null refuses them (the service).</param>
/// <param name="Target">A target to run on, or null: the scheduler places it (<c>auto</c>).</param>
/// <param name="Repeat">Repetitions.</param>
/// <param name="TimeLimit">Wall-clock limit, or null.</param>
/// <param name="Sandbox">Isolation; null = the host's default.</param>
/// <param name="MemoryLimit">Memory limit in bytes, or null.</param>
/// <param name="Cpus">CPU quota in cores, or null.</param>
/// <param name="User">Whom the usage record is for.</param>
/// <param name="Offered">The targets the node offers (placement stays among them), or null for all of this machine's.</param>
public sealed record LaunchSpec(
    Package Package,
    string Kernel,
    long[] Global,
    long[]? Local,
    IReadOnlyList<ArgumentSpec> Arguments,
    string? BaseDirectory,
    TargetId? Target = null,
    int Repeat = 1,
    TimeSpan? TimeLimit = null,
    SandboxKind? Sandbox = null,
    long? MemoryLimit = null,
    double? Cpus = null,
    string User = "local",
    IReadOnlySet<string>? Offered = null)
{
    /// <summary>Untimed launches in the worker before the <see cref="Repeat"/> timed ones.</summary>
    public int Warmup { get; init; }
}
