using LavaAccel.Cache;
using LavaAccel.Scheduling;
using LavaAccel.Toolchain;

namespace LavaAccel.Runtime;

/// <summary>
/// The path of one <c>lava run</c>: open (or pack) the package, choose the target, bind the
/// arguments, compile in the compile worker, run in a runner process.
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
    /// Runs one launch with the variant from <paramref name="cache"/> (default: LAVA_HOME's), on
    /// <paramref name="choice"/> or, when it is null, where the scheduler places it. The measured
    /// time goes into the performance history the scheduler learns from.
    /// </summary>
    public static LaunchReport Launch(Package package, LaunchOptions options, TargetChoice? choice, Progress? progress = null, VariantCache? cache = null, PerformanceHistory? history = null)
    {
        cache ??= new VariantCache();
        history ??= new PerformanceHistory(PerformanceHistory.PathIn(LavaHome.Path));
        var kernel = package.Manifest.GetKernel(options.Kernel);
        var range = new NdRange(options.Global, options.Local).Resolve(kernel);
        var baseDirectory = Directory.GetCurrentDirectory();
        var arguments = ArgumentBinder.Bind(kernel, options.Arguments, baseDirectory);
        var demand = LocalPlacement.Work(package, kernel, range, arguments);
        if (choice is null)
        {
            var decision = LocalPlacement.Place(demand, package, kernel, PlacementConstraints.None, cache, history);
            choice = new TargetChoice(TargetId.Parse(decision.Chosen.Target), LocalPlacement.Reason(decision));
        }
        var variant = cache.TryGet(package, choice.Target) ?? Compile(package, choice.Target, cache, progress);
        progress?.Invoke($"running {kernel.Name} on {choice.Target}");
        var outcome = VariantRunner.Run(new RunRequest(variant.ArtifactPath, choice.Target, kernel, range, arguments, options.Repeat, 0, options.TimeLimit, options.Sandbox, options.MemoryLimit, options.Cpus,
            PackageCode: package.IsIlgpu ? package.Code : null));
        if (choice.Target.Backend == "cpu" || choice.Target == Backends.Ilgpu.IlgpuBackend.Cpu)
        {
            history.Record(demand.KernelKey, choice.Target.ToString(), LocalPlacement.LocalCpu, demand.WorkItems, outcome.MedianMs / 1000);
        }
        return new LaunchReport(package, kernel, choice, range, arguments, variant, outcome);
    }

    // The compile worker reads the package from a file: written only on a miss.
    private static CachedVariant Compile(Package package, TargetId target, VariantCache cache, Progress? progress)
    {
        progress?.Invoke($"compiling {package.Manifest.Name} for {target}");
        var work = Directory.CreateTempSubdirectory("lava-run-");
        try
        {
            var packagePath = Path.Combine(work.FullName, "package.lava");
            File.WriteAllBytes(packagePath, package.Bytes);
            return cache.GetOrCompile(package, packagePath, target);
        }
        finally
        {
            work.Delete(recursive: true);
        }
    }
}
