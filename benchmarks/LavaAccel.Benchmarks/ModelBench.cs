using System.Globalization;
using System.Text;
using LavaAccel.KernelSuite;
using LavaAccel.Execution;
using LavaAccel.Scheduling;

namespace LavaAccel.Benchmarks;

/// <summary>
/// Accuracy of the run-time model on this machine's real targets: each suite kernel runs five
/// times (recorded into a fresh history), then the model predicts the next five runs; the error is
/// |predicted − measured| ÷ measured.
/// </summary>
internal static class ModelBench
{
    public static string Run(TargetId target, IReadOnlyList<SuiteCase> cases)
    {
        var inv = CultureInfo.InvariantCulture;
        var history = new PerformanceHistory();
        var profile = Devices.Discovery.CpuDiscovery.Discover(0) with { Id = LocalPlacement.LocalCpu };
        using var runner = new SuiteRunner();
        var report = new StringBuilder();
        report.Append(inv, $"run-time model on {target}: 5 recorded runs, then 5 predicted runs per kernel\n\n");
        report.Append("| kernel | roofline ms | predicted ms | measured ms (median) | median error |\n|---|---:|---:|---:|---:|\n");
        var errors = new List<double>();
        foreach (var suiteCase in cases)
        {
            var prepared = runner.Prepare(suiteCase);
            var variant = runner.VariantFor(suiteCase, target);
            var work = LocalPlacement.Work(prepared.Package, prepared.Kernel, prepared.Range, prepared.Arguments);
            double RunOnce() => VariantRunner.Run(new RunRequest(variant, target, prepared.Kernel, prepared.Range, prepared.Arguments)).MedianMs / 1000;
            for (var i = 0; i < 5; i++)
            {
                history.Record(work.KernelKey, target.ToString(), profile.Id, work.WorkItems, RunOnce());
            }
            var (predicted, _) = history.Estimate(work, profile, target.ToString());
            var measured = Enumerable.Range(0, 5).Select(_ => RunOnce()).ToArray();
            var caseErrors = measured.Select(m => Math.Abs(predicted - m) / m).Order().ToArray();
            var error = caseErrors[caseErrors.Length / 2];
            errors.Add(error);
            report.Append(inv, $"| {suiteCase.Name} | {RooflineModel.Seconds(work, profile) * 1000:0.000} | {predicted * 1000:0.000} | {measured.Order().ElementAt(2) * 1000:0.000} | {error * 100:0.0} % |\n");
        }
        errors.Sort();
        report.Append(inv, $"\nmedian relative error over {errors.Count} kernels: {errors[errors.Count / 2] * 100:0.0} % (goal ≤ 25 %)\n");
        Console.Write(report);
        return report.ToString();
    }
}
