using LavaAccel.Backends;

namespace LavaAccel.Execution;

/// <summary>
/// A target the user named: checked to exist, to take the package's language and to run here.
/// <c>auto</c> is not chosen here — it always means the scheduler (<see cref="KernelLauncher"/>).
/// </summary>
public static class TargetSelector
{
    /// <summary>The named target of <c>--target</c>, or null for <c>auto</c> (empty or "auto").</summary>
    public static TargetId? Parse(string requested) =>
        string.IsNullOrWhiteSpace(requested) || requested == "auto" ? null : TargetId.Parse(requested);

    /// <summary>Checks a target id the user named (<c>auto</c> is refused here: the scheduler places those).</summary>
    public static TargetChoice Choose(string requested) =>
        Check(Parse(requested) ?? throw new LavaException("'auto' means the scheduler chooses: leave the target out instead of resolving it here"));

    /// <summary>Checks a named target for <paramref name="package"/> on this machine.</summary>
    public static TargetChoice Check(TargetId target, Package? package = null)
    {
        var backend = BackendRegistry.For(target);
        if (package is not null && !backend.Accepts(package))
        {
            throw new LavaException($"target {target} does not compile this package's kind of kernels ({(package.IsIlgpu ? "C#" : "OpenCL C")})");
        }
        if (backend.WhyNotRunnable(target) is { } why)
        {
            throw new LavaException($"cannot run {target} here: {why}");
        }
        return new TargetChoice(target, "requested with --target");
    }
}
