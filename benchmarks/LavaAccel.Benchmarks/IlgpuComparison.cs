using System.Globalization;
using System.Text;
using LavaAccel.Backends;
using LavaAccel.Backends.Ilgpu;
using LavaAccel.KernelSuite;
using LavaAccel.Execution;

namespace LavaAccel.Benchmarks;

/// <summary>
/// The C# ports (kernels/csharp) on ILGPU against their OpenCL C twins on lava's backends, same
/// inputs and range, in this run: ilgpu/cpu vs the CPU backend always; ilgpu/ptx-sm_XX vs
/// nvptx/sm_XX where a GPU runs them. Prints ILGPU ÷ lava (above 1: lava's variant is faster).
/// </summary>
internal static class IlgpuComparison
{
    public static string Run(TargetId cpu, int repeat, bool quick)
    {
        using var runner = new SuiteRunner();
        var pairs = new List<(TargetId Ilgpu, TargetId Lava)> { (IlgpuBackend.Cpu, cpu) };
        foreach (var sm in new[] { 90, 80, 70 })
        {
            var ptx = new TargetId("ilgpu", $"ptx-sm_{sm}", "");
            if (BackendRegistry.For(ptx).WhyNotRunnable(ptx) is null)
            {
                pairs.Add((ptx, new TargetId("nvptx", $"sm_{sm}", "")));
                break;
            }
        }
        var inv = CultureInfo.InvariantCulture;
        var report = new StringBuilder();
        report.Append(inv, $"C# kernels on ILGPU vs their OpenCL C twins on lava, median of {repeat} launches (kernel time, synchronised)\n\n");
        report.Append("| kernel | ILGPU target | ILGPU ms | lava target | lava ms | ILGPU ÷ lava | outputs agree |\n|---|---|---:|---|---:|---:|---|\n");
        Console.Write(report);
        foreach (var (csharp, opencl) in KernelSuite.KernelSuite.CSharpPairs(benchmark: !quick))
        {
            foreach (var (ilgpu, lava) in pairs)
            {
                var theirs = runner.Run(csharp, ilgpu, repeat);
                var ours = runner.Run(opencl, lava, repeat);
                var expected = opencl.Reference(opencl.MakeInputs());
                var agree = SuiteRunner.Mismatch(opencl, expected, theirs.Outputs) is null && SuiteRunner.Mismatch(opencl, expected, ours.Outputs) is null ? "yes" : "NO";
                var line = string.Create(inv, $"| {opencl.Name} | {ilgpu} | {theirs.Outcome.MedianMs:0.000} | {lava} | {ours.Outcome.MedianMs:0.000} | {theirs.Outcome.MedianMs / ours.Outcome.MedianMs:0.0} | {agree} |\n");
                Console.Write(line);
                report.Append(line);
            }
        }
        return report.ToString();
    }
}
