using System.Globalization;
using System.Text;
using LavaAccel.Bench.Results;
using LavaAccel.Bench.Statistics;

namespace LavaAccel.Bench.Report;

/// <summary>report.md: the machines, one table per run with statistics, throughput, roofline and peer ratios, warnings, comparisons and the charts.</summary>
internal static class MarkdownReport
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    public static string Render(BenchResults results, IReadOnlyList<Comparison> comparisons, string? comparedTo, IReadOnlyList<ChartFile> charts)
    {
        var md = new StringBuilder();
        var kernels = results.Runs.SelectMany(r => r.Records).Select(r => $"{r.Package} / {r.Kernel}").Distinct().ToArray();
        md.Append(Inv, $"# lava bench: {(kernels.Length == 1 ? kernels[0] : $"{kernels.Length} kernels")}\n\n");
        Machines(md, results);
        foreach (var run in results.Runs)
        {
            Run(md, run);
        }
        if (comparedTo is not null)
        {
            Compared(md, comparisons, comparedTo);
        }
        md.Append("## Charts\n\n");
        foreach (var chart in charts)
        {
            md.Append(Inv, $"![{chart.Title}]({chart.Name}.png)\n\n[{chart.Name}.svg]({chart.Name}.svg) — {chart.Title}\n\n");
        }
        Method(md);
        return md.ToString();
    }

    private static void Machines(StringBuilder md, BenchResults results)
    {
        md.Append("## Machines\n\n| host | CPU | logical cores | memory | caches | measured bandwidth | OS | LLVM | PoCL | lava | date (UTC) |\n|---|---|---:|---:|---|---:|---|---|---|---|---|\n");
        foreach (var m in results.Runs.Select(r => r.Machine).Distinct())
        {
            md.Append(Inv, $"| {m.Host} | {m.Cpu} | {m.LogicalCores} | {m.MemoryGib:0.#} GiB | {m.Caches} | {m.BandwidthGbs:0.#} GB/s ({m.BandwidthThreads} threads) | {m.Os} | {m.Llvm} | {m.Pocl} | {m.Lava} | {m.Date} |\n");
        }
        md.Append('\n');
    }

    private static void Run(StringBuilder md, BenchRun run)
    {
        foreach (var kernel in run.Records.GroupBy(r => (r.Package, r.Kernel)))
        {
            var first = kernel.First();
            md.Append(Inv, $"## {kernel.Key.Kernel} on {run.Machine.Host} ({run.Machine.Date})\n\n");
            md.Append(Inv, $"Package `{kernel.Key.Package}` (`{Short(first.PackageDigest)}`), global ({string.Join(", ", first.Global)}){(first.Local.Length > 0 ? $", local ({string.Join(", ", first.Local)})" : "")}, {Bytes(kernel.Max(r => r.Bytes))} moved per launch{Flops(kernel)}.\n\n");
            md.Append("| target | execution | median | mean ± 99.9 % CI | min | iterations | GB/s | GFLOP/s | % of roofline | ÷ PoCL | ÷ C | outputs |\n|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|\n");
            var pocl = kernel.FirstOrDefault(r => r.Peer == "pocl" && r.Error is null);
            var c = kernel.FirstOrDefault(r => r.Peer == "c" && r.Error is null);
            foreach (var r in kernel.Where(r => r.Error is null))
            {
                var name = r.Peer is null ? $"`{r.Target}`" : $"`{r.Target}` (peer)";
                md.Append(Inv, $"| {name} | {r.Execution} | {Ms(r.MedianMs)} | {Ms(r.MeanMs)} ± {Ms((r.CiUpperMs - r.CiLowerMs) / 2)} | {Ms(r.MinMs)} | {r.Iterations}{(r.Outliers > 0 ? $" ({r.Outliers} outliers)" : "")} | {r.Gbps:0.0} | {(r.Flops > 0 ? r.Gflops.ToString("0.00", Inv) : "—")} | {(r.RooflineFraction is { } f ? $"{100 * f:0} %" : "—")} | {Ratio(r, pocl)} | {Ratio(r, c)} | {Agrees(r)} |\n");
            }
            md.Append('\n');
            var failed = kernel.Where(r => r.Error is not null).ToArray();
            if (failed.Length > 0)
            {
                md.Append("**Failed** (the other targets' results are complete):\n\n");
                foreach (var r in failed)
                {
                    md.Append(Inv, $"- `{r.Target}`: {r.Error}\n");
                }
                md.Append('\n');
            }
            var warned = kernel.Where(r => r.Error is null && r.Warnings.Count > 0).ToArray();
            if (warned.Length > 0)
            {
                md.Append("Warnings:\n\n");
                foreach (var r in warned)
                {
                    md.Append(Inv, $"- `{r.Target}`: {string.Join("; ", r.Warnings)}\n");
                }
                md.Append('\n');
            }
        }
    }

    private static void Compared(StringBuilder md, IReadOnlyList<Comparison> comparisons, string comparedTo)
    {
        md.Append(Inv, $"## Compared with {Path.GetFileName(comparedTo)}\n\n");
        if (comparisons.Count == 0)
        {
            md.Append("No measurement of this run (same kernel, target, size and CPU) is in that file.\n\n");
            return;
        }
        md.Append("A change counts only when the two 99.9 % confidence intervals do not overlap.\n\n| kernel | target | then (mean ± CI) | now (mean ± CI) | now ÷ then | verdict |\n|---|---|---:|---:|---:|---|\n");
        foreach (var c in comparisons)
        {
            var verdict = c.Verdict switch { "slower" => "**REGRESSION**", "faster" => "faster", _ => "same (within noise)" };
            md.Append(Inv, $"| {c.Current.Kernel} | `{c.Current.Target}` | {Ms(c.Previous.MeanMs)} ± {Ms((c.Previous.CiUpperMs - c.Previous.CiLowerMs) / 2)} | {Ms(c.Current.MeanMs)} ± {Ms((c.Current.CiUpperMs - c.Current.CiLowerMs) / 2)} | {c.Ratio:0.00} | {verdict} |\n");
        }
        md.Append('\n');
    }

    private static void Method(StringBuilder md) => md.Append(Inv, $"""
        ## Method

        - Each target: a pilot launch (1 warm-up, 2 timed iterations) picks the iterations that fill the time budget
          ({IterationPlan.MinIterations}–{IterationPlan.MaxIterations}, or exactly `--repeat`), then one launch runs the warm-up and the timed
          iterations in the same worker, each from the original buffers. Times are the kernel's alone (no sandbox start, no copies).
        - Statistics as BenchmarkDotNet computes them (Perfolizer): upper outliers beyond Tukey's fences (k = 1.5) set aside; median,
          mean, standard error, 99.9 % confidence interval of the mean (Student's t). Warnings when the interval exceeds ±5 % of the
          mean or the slowest iteration (outliers aside) took 1.5× the fastest.
        - GB/s: bytes of the buffers (inputs once, outputs read and written) over the median time. GFLOP/s: floating-point
          operations counted in the package's LLVM IR (fused multiply-add = 2), each loop counted with the trip count the launch's
          arguments and ND-range give it, over the median time.
        - Roofline: bandwidth measured in this run with the kernels' thread count (`b[i] += s·c[i]` over arrays far larger
          than the last-level cache, bytes counted as for kernels: saxpy's pattern, no hidden write-allocate traffic);
          compute ceiling from the device profile (an estimate: cores × clock × SIMD FLOP per cycle). `% of roofline` is the
          attained GFLOP/s over min(peak, bandwidth × intensity); for kernels without floating-point work, GB/s over the bandwidth.
        - Emulated (qemu) and simulated (csim, rtl-sim) runs are marked, hatched in the charts, and never on a roofline.
        - Peers: `pocl` is PoCL building the package's own OpenCL C source with its own compiler (the package's defines and OpenCL C
          version) and running it in the same sandbox as every target, on the same buffers; `c` is the
          suite's plain-C twin of the kernel, compiled with `clang-19 -O3 -march=native` and run on the same threads with the same
          warm-up and iterations. `÷ PoCL` and `÷ C` are median ÷ the peer's median (below 1: faster than the peer).

        """);

    private static string Ratio(BenchRecord record, BenchRecord? peer) =>
        peer is null || record == peer || record.IsEmulated || peer.MedianMs <= 0 ? "—" : (record.MedianMs / peer.MedianMs).ToString("0.00", Inv);

    private static string Agrees(BenchRecord record) => record.OutputsAgree switch { true => "agree", false => "**DIFFER**", null => "—" };

    private static string Flops(IEnumerable<BenchRecord> records)
    {
        var counted = records.FirstOrDefault(r => r.Flops > 0);
        return counted is null ? "; no floating-point operations counted" : string.Create(Inv, $", {counted.Flops / 1e6:0.###} MFLOP per launch (from the IR{(counted.FlopsExact ? "" : ", a loop bound guessed")})");
    }

    private static string Short(string digest) => digest.Length > 19 ? digest[..19] : digest;

    private static string Bytes(long bytes) => bytes >= 1 << 20 ? string.Create(Inv, $"{bytes / 1048576.0:0.#} MiB") : string.Create(Inv, $"{bytes / 1024.0:0.#} KiB");

    private static string Ms(double ms) => ms >= 1000 ? string.Create(Inv, $"{ms / 1000:0.000} s") : ms >= 1 ? string.Create(Inv, $"{ms:0.000} ms") : string.Create(Inv, $"{ms * 1000:0.0} µs");
}
