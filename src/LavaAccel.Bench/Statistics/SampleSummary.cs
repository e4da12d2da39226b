using System.Globalization;
using Perfolizer.Mathematics.Common;
using Perfolizer.Mathematics.OutlierDetection;
using Perfolizer.Mathematics.QuantileEstimators;

namespace LavaAccel.Bench.Statistics;

/// <summary>
/// The statistics of one target's timed iterations, the way BenchmarkDotNet computes them (with
/// Perfolizer): upper outliers beyond Tukey's fences (k = 1.5) are set aside, then median, mean,
/// standard error and the 99.9 % confidence interval of the mean (Student's t) over the rest.
/// </summary>
/// <param name="Iterations">Timed iterations measured.</param>
/// <param name="Outliers">Upper outliers set aside.</param>
/// <param name="MedianMs">Median of the kept iterations.</param>
/// <param name="MeanMs">Mean of the kept iterations.</param>
/// <param name="StandardErrorMs">Standard error of the mean.</param>
/// <param name="CiLowerMs">Lower end of the 99.9 % confidence interval of the mean.</param>
/// <param name="CiUpperMs">Upper end of the 99.9 % confidence interval of the mean.</param>
/// <param name="MinMs">Fastest iteration (of all).</param>
/// <param name="MaxMs">Slowest iteration (of all).</param>
/// <param name="MaxKeptMs">Slowest iteration that is not an outlier.</param>
public sealed record SampleSummary(int Iterations, int Outliers, double MedianMs, double MeanMs, double StandardErrorMs, double CiLowerMs, double CiUpperMs, double MinMs, double MaxMs, double MaxKeptMs)
{
    /// <summary>Confidence level of the interval.</summary>
    public const double Level = 0.999;

    /// <summary>Half the confidence interval relative to the mean (0.02: ±2 %).</summary>
    public double RelativeMargin => MeanMs > 0 ? (CiUpperMs - CiLowerMs) / 2 / MeanMs : 0;

    /// <summary>Summarises <paramref name="timesMs"/> (at least one value).</summary>
    public static SampleSummary Of(IReadOnlyList<double> timesMs)
    {
        if (timesMs.Count == 0)
        {
            throw new ArgumentException("no timed iterations", nameof(timesMs));
        }
        var sorted = timesMs.Order().ToArray();
        var kept = sorted;
        if (sorted.Length >= 4)
        {
            var detector = TukeyOutlierDetector.Create(sorted, 1.5, SimpleQuantileEstimator.Instance);
            kept = [.. detector.WithoutUpperOutliers(sorted)];
        }
        var median = kept.Length % 2 == 1 ? kept[kept.Length / 2] : (kept[kept.Length / 2 - 1] + kept[kept.Length / 2]) / 2;
        var moments = Moments.Create(kept);
        var error = kept.Length > 1 ? moments.StandardDeviation / Math.Sqrt(kept.Length) : 0;
        var (lower, upper) = (moments.Mean, moments.Mean);
        if (kept.Length > 1 && error > 0)
        {
            var interval = new ConfidenceIntervalEstimator(kept.Length, moments.Mean, error).ConfidenceInterval(ConfidenceLevel.L999);
            (lower, upper) = (interval.Lower, interval.Upper);
        }
        return new SampleSummary(sorted.Length, sorted.Length - kept.Length, median, moments.Mean, error, lower, upper, sorted[0], sorted[^1], kept[^1]);
    }

    /// <summary>What a reader should know before trusting the figure (empty when nothing).</summary>
    public IReadOnlyList<string> Warnings()
    {
        var inv = CultureInfo.InvariantCulture;
        var warnings = new List<string>();
        if (Iterations < 5)
        {
            warnings.Add(string.Create(inv, $"only {Iterations} iteration(s): the confidence interval means little"));
        }
        if (RelativeMargin > 0.05)
        {
            warnings.Add(string.Create(inv, $"noisy: the 99.9 % confidence interval is ±{100 * RelativeMargin:0.#} % of the mean"));
        }
        if (MinMs > 0 && MaxKeptMs / MinMs > 1.5)
        {
            warnings.Add(string.Create(inv, $"spread: the slowest iteration (outliers aside) took {MaxKeptMs / MinMs:0.#}× the fastest"));
        }
        if (Outliers > 0)
        {
            warnings.Add(string.Create(inv, $"{Outliers} upper outlier(s) set aside"));
        }
        return warnings;
    }
}
