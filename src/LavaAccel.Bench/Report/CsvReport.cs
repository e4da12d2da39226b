using System.Globalization;
using System.Text;
using LavaAccel.Bench.Results;

namespace LavaAccel.Bench.Report;

/// <summary>results.csv: one row per record of every run, every figure in its own column.</summary>
internal static class CsvReport
{
    private const string Header = "host,cpu,date,package,kernel,target,peer,execution,device_profile,device,global,iterations,warmup,outliers,median_ms,mean_ms,stderr_ms,ci999_lower_ms,ci999_upper_ms,min_ms,max_ms,bytes,flops,gbps,gflops,roofline_fraction,outputs_agree,variant_key,error";

    public static string Render(BenchResults results)
    {
        var inv = CultureInfo.InvariantCulture;
        var csv = new StringBuilder(Header).Append('\n');
        foreach (var run in results.Runs)
        {
            foreach (var r in run.Records)
            {
                string[] cells =
                [
                    run.Machine.Host, run.Machine.Cpu, run.Machine.Date, r.Package, r.Kernel, r.Target, r.Peer ?? "", r.Execution, r.DeviceProfile, r.Device,
                    string.Join('x', r.Global), N(r.Iterations), N(r.Warmup), N(r.Outliers),
                    F(r.MedianMs), F(r.MeanMs), F(r.StandardErrorMs), F(r.CiLowerMs), F(r.CiUpperMs), F(r.MinMs), F(r.MaxMs),
                    N(r.Bytes), F(r.Flops), F(r.Gbps), F(r.Gflops), r.RooflineFraction is { } f ? F(f) : "",
                    r.OutputsAgree switch { true => "yes", false => "no", null => "" }, r.VariantKey, r.Error ?? "",
                ];
                csv.AppendJoin(',', cells.Select(Quote)).Append('\n');
            }
        }
        return csv.ToString();

        string F(double value) => value.ToString("0.######", inv);
        string N(long value) => value.ToString(inv);
    }

    private static string Quote(string cell) =>
        cell.IndexOfAny([',', '"', '\n']) >= 0 ? "\"" + cell.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : cell;
}
