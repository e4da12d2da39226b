using LavaAccel.Backends;
using LavaAccel.Backends.Cpu;

namespace LavaAccel.Runtime;

/// <summary>
/// Picks the target for <c>--target auto</c>: the best CPU tier this machine runs natively.
/// (The device-aware scheduler replaces this when it lands; the interface stays.)
/// </summary>
public static class TargetSelector
{
    /// <summary>Resolves <c>auto</c> or checks an explicit target id.</summary>
    public static TargetChoice Choose(string requested)
    {
        if (string.IsNullOrWhiteSpace(requested) || requested == "auto")
        {
            var tiers = CpuTargets.All.Where(t => t.Arch == "x86_64" && t.RequiredHostFlags.Count > 0).Reverse();
            foreach (var tier in tiers)
            {
                if (CpuTargets.WhyNotRunnable(tier) is null)
                {
                    return new TargetChoice(tier.Id, $"best x86-64 tier this CPU runs natively ({string.Join(", ", tier.RequiredHostFlags.TakeLast(3))})");
                }
            }
            var arm = CpuTargets.All.First(t => t.Arch == "aarch64");
            if (CpuTargets.WhyNotRunnable(arm) is null && System.Runtime.InteropServices.RuntimeInformation.OSArchitecture == System.Runtime.InteropServices.Architecture.Arm64)
            {
                return new TargetChoice(arm.Id, "this machine is AArch64");
            }
            throw new LavaException("no CPU target runs on this machine");
        }
        var target = TargetId.Parse(requested);
        var backend = BackendRegistry.For(target);
        var why = backend.WhyNotRunnable(target);
        if (why is not null)
        {
            throw new LavaException($"cannot run {target} here: {why}");
        }
        return new TargetChoice(target, "requested with --target");
    }
}
