using System.Globalization;
using System.Text;
using LavaAccel.KernelSuite;
using LavaAccel.Execution;

namespace LavaAccel.Benchmarks;

/// <summary>
/// lava's best CPU variant against PoCL on every suite kernel, both measured in this run with the
/// same inputs and ND-range; prints the ratio lava/PoCL (below 1: lava is faster).
/// </summary>
internal static class PeerComparison
{
    public static string Run(TargetId target, int repeat, IReadOnlyList<SuiteCase> cases)
    {
        using var runner = new SuiteRunner();
        using var pocl = new PoclPeer();
        var report = new StringBuilder();
        var inv = CultureInfo.InvariantCulture;
        report.Append(inv, $"lava {target} vs PoCL ({pocl.DeviceName}), median of {repeat} runs, wall time launch→done\n\n");
        report.Append("| kernel | mode | lava ms | PoCL ms | lava/PoCL | outputs agree |\n|---|---|---:|---:|---:|---|\n");
        Console.Write(report);
        foreach (var suiteCase in cases)
        {
            var prepared = runner.Prepare(suiteCase);
            var variant = runner.VariantFor(suiteCase, target);
            var mode = Backends.CompileWorkerClient.Compile(runner.PackageFor(suiteCase).Path, target, variant).KernelModes[suiteCase.Kernel];
            var ours = VariantRunner.Run(new RunRequest(variant, target, prepared.Kernel, prepared.Range, prepared.Arguments, repeat, 0, TimeSpan.FromMinutes(10)));
            var theirs = pocl.Run(prepared, repeat, out var poclOutputs);
            var poclMedian = theirs[theirs.Count / 2];
            var agree = SuiteRunner.Mismatch(suiteCase, prepared.Typed(poclOutputs), prepared.Typed(ours.Buffers)) is null ? "yes" : "NO";
            var line = string.Create(inv, $"| {suiteCase.Name} | {mode} | {ours.MedianMs:0.000} | {poclMedian:0.000} | {ours.MedianMs / poclMedian:0.00} | {agree} |\n");
            Console.Write(line);
            report.Append(line);
        }
        return report.ToString();
    }
}
