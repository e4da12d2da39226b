using LavaAccel.Host;
using LavaAccel.Cache;
using LavaAccel.Execution.Runners;
using LavaAccel.Sandbox;
using LavaAccel.Scheduling;
using LavaAccel.Toolchain;

namespace LavaAccel.Execution;

/// <summary>
/// The one launch pipeline, for <c>lava run</c> and every node: bind the arguments → estimate the
/// work → place (the scheduler, unless a target was named) → get the variant from the cache or
/// compile it → run it in the family's worker in a sandbox → record the time where the runner
/// feeds the history.
/// </summary>
public static class KernelLauncher
{
    /// <summary>Reports progress of long steps ("compiling …").</summary>
    public delegate void Progress(string step);

    /// <summary>Opens a package, packing an OpenCL C file (or C# kernels: a .cs, .csproj or directory) first when given one.</summary>
    public static Package OpenInput(string input, IReadOnlyList<string>? defines)
    {
        if (input.EndsWith(".cl", StringComparison.OrdinalIgnoreCase) || input.EndsWith(".cs", StringComparison.OrdinalIgnoreCase)
            || input.EndsWith(".csproj", StringComparison.OrdinalIgnoreCase) || Directory.Exists(input))
        {
            return PackageBuilder.Pack(input, new PackOptions(defines ?? []));
        }
        if (defines is { Count: > 0 })
        {
            throw new LavaException("-D applies when running an OpenCL C file; this package was already compiled with its definitions");
        }
        return Package.Load(input);
    }

    /// <summary>
    /// <c>lava run</c>: one launch of <paramref name="package"/> with the variant from
    /// <paramref name="cache"/> (default: LAVA_HOME's), on <paramref name="choice"/>'s target or, when it is
    /// null, where the scheduler places it.
    /// </summary>
    public static LaunchReport Launch(Package package, LaunchOptions options, TargetChoice? choice, Progress? progress = null, VariantCache? cache = null, PerformanceHistory? history = null)
    {
        var spec = new LaunchSpec(package, options.Kernel, options.Global, options.Local, [.. options.Arguments.Select(ArgumentSpec.Parse)],
            Directory.GetCurrentDirectory(), choice?.Target, options.Repeat, options.TimeLimit, options.Sandbox, options.MemoryLimit, options.Cpus) { Warmup = options.Warmup };
        var context = new LaunchContext(cache ?? new VariantCache(), history ?? new PerformanceHistory(PerformanceHistory.PathIn(LavaHome.Path)));
        return LaunchAsync(spec, context, progress).GetAwaiter().GetResult();
    }

    /// <summary>Runs the pipeline for <paramref name="spec"/> on this node (<paramref name="context"/>); failures are one-line errors.</summary>
    public static async Task<LaunchReport> LaunchAsync(LaunchSpec spec, LaunchContext context, Progress? progress = null, CancellationToken cancellation = default)
    {
        var package = spec.Package;
        var kernel = package.Manifest.GetKernel(spec.Kernel);
        var range = new NdRange(spec.Global, spec.Local).Resolve(kernel);
        var arguments = ArgumentBinder.Bind(kernel, spec.Arguments, spec.BaseDirectory);
        var demand = LocalPlacement.Work(package, kernel, range, arguments, estimate: spec.Target is null);
        TargetChoice choice;
        if (spec.Target is { } named)
        {
            choice = TargetSelector.Check(named, package);
        }
        else
        {
            var decision = LocalPlacement.Place(demand, package, kernel, new PlacementConstraints(Offered: spec.Offered), context.Cache, context.History);
            choice = new TargetChoice(TargetId.Parse(decision.Chosen.Target), LocalPlacement.Reason(decision));
        }
        var variant = context.Cache.TryGet(package, choice.Target) ?? Compile(package, choice.Target, context.Cache, progress);
        progress?.Invoke($"running {kernel.Name} on {choice.Target}");
        var request = new RunRequest(variant.ArtifactPath, choice.Target, kernel, range, arguments, Math.Max(1, spec.Repeat), 0, spec.TimeLimit,
            spec.Sandbox, spec.MemoryLimit, spec.Cpus, spec.User, package.IsIlgpu ? package.Code : null) { Warmup = spec.Warmup };
        var outcome = await VariantRunner.RunAsync(request, context.Deployment, cancellation).ConfigureAwait(false);
        if (RunnerRegistry.For(choice.Target).FeedsHistory(choice.Target))
        {
            context.History.Record(demand.KernelKey, choice.Target.ToString(), LocalPlacement.LocalCpu, demand.WorkItems, outcome.MedianMs / 1000);
        }
        return new LaunchReport(package, kernel, choice, range, arguments, variant, outcome);
    }

    private static CachedVariant Compile(Package package, TargetId target, VariantCache cache, Progress? progress)
    {
        progress?.Invoke($"compiling {package.Manifest.Name} for {target}");
        return cache.GetOrCompile(package, target);
    }
}

/// <summary>Where a launch runs: the node's variant cache, performance history and deployment (null: LAVA_HOME's, no pool).</summary>
/// <param name="Cache">Variant cache.</param>
/// <param name="History">Performance history the scheduler learns from.</param>
/// <param name="Deployment">Sandboxes.</param>
public sealed record LaunchContext(VariantCache Cache, PerformanceHistory History, Deployment? Deployment = null);
