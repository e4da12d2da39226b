using System.Diagnostics;
using System.Globalization;
using System.Text;
using LavaAccel.KernelSuite;
using LavaAccel.Execution;

namespace LavaAccel.Benchmarks;

/// <summary>
/// Memory-bound kernels against the same computation in plain C compiled with
/// <c>clang-19 -O3 -march=native</c> (kernels/c, the suite's C twins), both measured in this run.
/// </summary>
internal static class NativePeer
{
    public static string Run(TargetId target, int repeat)
    {
        var inv = CultureInfo.InvariantCulture;
        var report = new StringBuilder();
        report.Append(inv, $"lava {target} vs plain C (clang-19 -O3 -march=native, pthreads on all cores), median of {repeat} runs\n\n");
        report.Append("| kernel | lava ms | C ms | lava/C |\n|---|---:|---:|---:|\n");
        Console.Write(report);
        using var runner = new SuiteRunner();
        var saxpy = KernelSuite.KernelSuite.Get($"saxpy_{16 << 20}");
        var stencil = KernelSuite.KernelSuite.Get("stencil5_2048x2048");
        foreach (var (suiteCase, program, args) in new[]
                 {
                     (saxpy, "saxpy", $"0 1 {repeat} {16 << 20}"),
                     (stencil, "stencil5", $"0 1 {repeat} 2048 2048"),
                 })
        {
            var (_, outcome) = runner.Run(suiteCase, target, repeat);
            var times = RunC(program, args).Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(t => double.Parse(t, inv)).Order().ToArray();
            var c = times[times.Length / 2];
            var line = string.Create(inv, $"| {suiteCase.Name} | {outcome.MedianMs:0.000} | {c:0.000} | {outcome.MedianMs / c:0.00} |\n");
            Console.Write(line);
            report.Append(line);
        }
        return report.ToString();
    }

    private static string RunC(string program, string args)
    {
        var source = Path.Combine(AppContext.BaseDirectory, "kernels-c", program + ".c");
        var binary = Path.Combine(Path.GetTempPath(), $"lava-peer-{program}");
        Exec("clang-19", $"-O3 -march=native -pthread {source} -o {binary}");
        return Exec(binary, args).Trim();
    }

    private static string Exec(string file, string args)
    {
        using var process = Process.Start(new ProcessStartInfo(file, args) { RedirectStandardOutput = true, RedirectStandardError = true })!;
        var output = process.StandardOutput.ReadToEnd();
        var error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        return process.ExitCode == 0 ? output : throw new InvalidOperationException($"{file} {args} failed: {error}");
    }
}
