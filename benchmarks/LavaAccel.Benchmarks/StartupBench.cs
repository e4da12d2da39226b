using System.Diagnostics;
using System.Globalization;
using System.Text;
using LavaAccel.Cache;
using LavaAccel.Execution;
using LavaAccel.KernelSuite;
using LavaAccel.Sandbox;
using LavaAccel.Toolchain;

namespace LavaAccel.Benchmarks;

/// <summary>
/// A one-shot <c>lava run</c> end to end (a separate process, the variant cached, bubblewrap)
/// against the same kernel launched by the C runner alone in the same sandbox (cold, from this
/// process: sandbox start, runner, job, report), and <c>lava --version</c> as the floor of any lava
/// process. The lava binary is <c>./lava</c>'s ReadyToRun publish when it exists, else the build.
/// </summary>
internal static class StartupBench
{
    private const int N = 4096;

    public static string Run(int samples)
    {
        var inv = CultureInfo.InvariantCulture;
        var home = Directory.CreateTempSubdirectory("lava-bench-startup-");
        try
        {
            var target = TargetId.Parse("cpu/x86_64/x86-64-v4");
            var package = PackageBuilder.Pack(Path.Combine(SuiteRunner.KernelsDirectory, "saxpy.cl"), new PackOptions([]));
            var packagePath = Path.Combine(home.FullName, "saxpy.lava");
            package.Save(packagePath);
            var variant = new VariantCache(home.FullName).GetOrCompile(package, target);
            var kernel = package.Manifest.GetKernel("saxpy");
            var arguments = ArgumentBinder.Bind(kernel, ["a=2", $"x=range:{N}", $"y=ones:{N}"], home.FullName);
            var request = new RunRequest(variant.ArtifactPath, target, kernel, new NdRange([N], null).Resolve(kernel), arguments, Sandbox: SandboxKind.Bwrap);

            var lava = Lava();
            string[] run = ["run", packagePath, "--kernel", "saxpy", "--global", $"{N}", "--arg", "a=2", "--arg", $"x=range:{N}", "--arg", $"y=ones:{N}", "--sandbox", "bwrap", "--target", target.ToString()];
            Process(lava, run, home.FullName); // the variant into this LAVA_HOME's cache, the page cache warm
            var whole = Times(samples, () => Process(lava, run, home.FullName));
            var version = Times(samples, () => Process(lava, ["--version"], home.FullName));
            var deployment = new Deployment(home.FullName);
            VariantRunner.Run(request, deployment);
            var runner = Times(samples, () => VariantRunner.Run(request, deployment));

            var report = new StringBuilder();
            report.Append(inv, $"one-shot start-up: cached saxpy ({N} floats) on {target} in bubblewrap, {samples} runs each, median; {Environment.ProcessorCount} cores; lava = {lava}\n\n");
            report.Append("| what | wall p50 ms | ÷ runner alone |\n|---|---:|---:|\n");
            report.Append(inv, $"| `lava run` end to end (process) | {whole:0.0} | {whole / runner:0.0}× |\n");
            report.Append(inv, $"| `lava --version` (process) | {version:0.0} | {version / runner:0.0}× |\n");
            report.Append(inv, $"| the C runner alone in bwrap, cold (sandbox + runner + job) | {runner:0.0} | 1.0× |\n");
            report.Append("\nGoal: `lava run` cache hit ≤ 150 ms wall with bwrap.\n");
            Console.Write(report);
            return report.ToString();
        }
        finally
        {
            home.Delete(recursive: true);
        }
    }

    private static double Times(int samples, Action action)
    {
        var times = new double[samples];
        for (var i = 0; i < samples; i++)
        {
            var clock = Stopwatch.StartNew();
            action();
            times[i] = clock.Elapsed.TotalMilliseconds;
        }
        Array.Sort(times);
        return times[samples / 2];
    }

    // ./lava's ReadyToRun publish if it was made, else the CLI built next to this benchmark.
    private static string Lava()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            var published = Path.Combine(directory.FullName, "artifacts", "publish", "lava", "lava");
            if (File.Exists(published))
            {
                return published;
            }
        }
        return Path.Combine(AppContext.BaseDirectory, "lava");
    }

    private static void Process(string lava, string[] args, string home)
    {
        var start = new ProcessStartInfo(lava) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }
        start.Environment["LAVA_HOME"] = home;
        using var process = System.Diagnostics.Process.Start(start)!;
        var error = process.StandardError.ReadToEndAsync();
        process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"lava {string.Join(' ', args)} failed: {error.Result}");
        }
    }
}
