using System.Globalization;
using System.Text;
using LavaAccel.Backends.OpenCl;
using LavaAccel.KernelSuite;
using LavaAccel.Execution;

namespace LavaAccel.Benchmarks;

/// <summary>
/// The same packages on <c>opencl/spir</c> (their SPIR bitcode built by PoCL) and on lava's CPU
/// backend, measured in this run with the same inputs and ND-range; prints opencl/spir ÷ CPU
/// backend (above 1: the CPU backend wins).
/// </summary>
internal static class OpenClComparison
{
    public static string Run(TargetId cpu, int repeat, IReadOnlyList<SuiteCase> cases)
    {
        using var runner = new SuiteRunner();
        var spir = OpenClSpirBackend.Spir;
        var report = new StringBuilder();
        var inv = CultureInfo.InvariantCulture;
        report.Append(inv, $"opencl/spir (PoCL) vs lava {cpu}, median of {repeat} runs, wall time launch→done\n\n");
        report.Append("| kernel | opencl/spir ms | CPU backend ms | opencl/spir ÷ CPU | outputs agree |\n|---|---:|---:|---:|---|\n");
        Console.Write(report);
        var ratios = new List<double>();
        foreach (var suiteCase in cases)
        {
            var prepared = runner.Prepare(suiteCase);
            RunOutcome Time(TargetId target) => VariantRunner.Run(new RunRequest(runner.VariantFor(suiteCase, target), target, prepared.Kernel, prepared.Range, prepared.Arguments, repeat, 0, TimeSpan.FromMinutes(10)));
            var device = Time(spir);
            var ours = Time(cpu);
            var agree = SuiteRunner.Mismatch(suiteCase, prepared.Typed(ours.Buffers), prepared.Typed(device.Buffers)) is null ? "yes" : "NO";
            ratios.Add(device.MedianMs / ours.MedianMs);
            var line = string.Create(inv, $"| {suiteCase.Name} | {device.MedianMs:0.000} | {ours.MedianMs:0.000} | {device.MedianMs / ours.MedianMs:0.00} | {agree} |\n");
            Console.Write(line);
            report.Append(line);
        }
        ratios.Sort();
        var median = string.Create(inv, $"\nmedian opencl/spir ÷ CPU backend over {ratios.Count} kernels: {ratios[ratios.Count / 2]:0.00}\n");
        Console.Write(median);
        return report + median;
    }
}
