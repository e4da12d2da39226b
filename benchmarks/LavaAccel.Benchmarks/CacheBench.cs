using System.Diagnostics;
using System.Globalization;
using System.Text;
using LavaAccel.Cache;
using LavaAccel.KernelSuite;
using LavaAccel.Toolchain;

namespace LavaAccel.Benchmarks;

/// <summary>
/// The variant cache: hit latency (key + index lookup + verified blob read, in-process) against a
/// cold compile of the same variant, and <c>lava compile --targets all</c> parallel vs sequential.
/// </summary>
internal static class CacheBench
{
    public static string Run(TargetId target, int hits)
    {
        var inv = CultureInfo.InvariantCulture;
        var report = new StringBuilder();
        var home = Directory.CreateTempSubdirectory("lava-bench-home-");
        try
        {
            var source = Path.Combine(SuiteRunner.KernelsDirectory, "saxpy.cl");
            var package = PackageBuilder.Pack(source, new PackOptions([]));
            var cache = new VariantCache(home.FullName);

            var cold = Stopwatch.StartNew();
            var compiled = cache.GetOrCompile(package, target);
            var coldMs = cold.Elapsed.TotalMilliseconds;

            for (var i = 0; i < 200; i++)
            {
                cache.TryGet(package, target); // warm-up: JIT, file system caches
            }
            var samples = new double[hits];
            for (var i = 0; i < hits; i++)
            {
                var clock = Stopwatch.StartNew();
                var hit = cache.TryGet(package, target) ?? throw new InvalidOperationException("expected a hit");
                samples[i] = clock.Elapsed.TotalMilliseconds;
                GC.KeepAlive(hit);
            }
            Array.Sort(samples);
            double P(double q) => samples[Math.Min(samples.Length - 1, (int)(q * samples.Length))];
            report.Append(inv, $"variant cache hit, saxpy → {target} ({compiled.Entry.Size} B artifact), {hits} hits in-process\n\n");
            report.Append("| measure | ms |\n|---|---:|\n");
            report.Append(inv, $"| hit p50 | {P(0.50):0.000} |\n| hit p99 | {P(0.99):0.000} |\n| hit max | {samples[^1]:0.000} |\n");
            report.Append(inv, $"| cold compile (compile worker, wall) | {coldMs:0.0} |\n");
            report.Append(inv, $"| cold / hit p50 | {coldMs / P(0.50):0}× |\n\n");
            Console.Write(report);
            var all = CompileAll(home.FullName);
            Console.Write(all);
            return report + all;
        }
        finally
        {
            home.Delete(recursive: true);
        }
    }

    // Every suite kernel file for every target, from an empty cache: all cores vs one at a time.
    private static string CompileAll(string scratch)
    {
        var inv = CultureInfo.InvariantCulture;
        var files = Directory.GetFiles(SuiteRunner.KernelsDirectory, "*.cl").Order(StringComparer.Ordinal).ToArray();
        var packages = files.Select(f =>
        {
            var package = PackageBuilder.Pack(f, new PackOptions([]));
            var path = Path.Combine(scratch, Path.GetFileNameWithoutExtension(f) + ".lava");
            package.Save(path);
            return (package, path);
        }).ToArray();
        var targets = Backends.BackendRegistry.AllTargets.ToArray();
        double Time(int parallelism)
        {
            var cache = new VariantCache(Path.Combine(scratch, $"all-{parallelism}"));
            var jobs = packages.SelectMany(p => targets.Select(t => (p.package, p.path, t))).ToArray();
            var clock = Stopwatch.StartNew();
            Parallel.ForEach(jobs, new ParallelOptions { MaxDegreeOfParallelism = parallelism }, j => cache.GetOrCompile(j.package, j.t, pin: true));
            return clock.Elapsed.TotalMilliseconds;
        }
        var sequential = Time(1);
        var parallel = Time(Environment.ProcessorCount);
        return string.Create(inv, $"lava compile --targets all, {files.Length} suite files × {targets.Length} targets = {files.Length * targets.Length} variants, empty cache\n\n| mode | wall s |\n|---|---:|\n| sequential | {sequential / 1000:0.00} |\n| parallel ({Environment.ProcessorCount} workers) | {parallel / 1000:0.00} |\n| speed-up | {sequential / parallel:0.00}× |\n");
    }
}
