using LavaAccel.Bench.Statistics;

namespace LavaAccel.Tests;

/// <summary>lava bench's statistics: BenchmarkDotNet's way (Tukey upper outliers, Student's t at 99.9 %), and the pilot's plan.</summary>
public sealed class SampleSummaryTests
{
    [Fact]
    public void Summary_of_a_clean_sample_has_the_textbook_figures()
    {
        double[] times = [10, 11, 12, 13, 14, 10, 11, 12, 13, 14];
        var summary = SampleSummary.Of(times);
        Assert.Equal(10, summary.Iterations);
        Assert.Equal(0, summary.Outliers);
        Assert.Equal(12, summary.MeanMs, 9);
        Assert.Equal(12, summary.MedianMs, 9);
        // s = sqrt(20/9); standard error s/√10; t(0.9995, 9 df) = 4.7809.
        var error = Math.Sqrt(20.0 / 9) / Math.Sqrt(10);
        Assert.Equal(error, summary.StandardErrorMs, 9);
        Assert.Equal(12 - 4.7809 * error, summary.CiLowerMs, 3);
        Assert.Equal(12 + 4.7809 * error, summary.CiUpperMs, 3);
        Assert.Equal(10, summary.MinMs);
        Assert.Equal(14, summary.MaxMs);
    }

    [Fact]
    public void An_upper_outlier_is_set_aside_and_reported()
    {
        double[] times = [5.0, 5.1, 5.2, 5.0, 5.1, 5.2, 5.0, 5.1, 50.0];
        var summary = SampleSummary.Of(times);
        Assert.Equal(1, summary.Outliers);
        Assert.Equal(50, summary.MaxMs);
        Assert.True(summary.MeanMs < 5.2, $"the mean {summary.MeanMs} still counts the outlier");
        Assert.Contains(summary.Warnings(), w => w.Contains("1 upper outlier", StringComparison.Ordinal));
    }

    [Fact]
    public void Noise_and_few_iterations_are_warned_about()
    {
        var noisy = SampleSummary.Of([1, 2, 1, 2, 1, 2, 1, 2]);
        Assert.Contains(noisy.Warnings(), w => w.StartsWith("noisy", StringComparison.Ordinal));
        Assert.Contains(noisy.Warnings(), w => w.StartsWith("spread", StringComparison.Ordinal));
        var single = SampleSummary.Of([3.5]);
        Assert.Equal(3.5, single.MedianMs);
        Assert.Equal(single.MeanMs, single.CiLowerMs);
        Assert.Contains(single.Warnings(), w => w.Contains("only 1 iteration", StringComparison.Ordinal));
        Assert.Empty(SampleSummary.Of([4, 4.01, 4.02, 4, 4.01, 4.02, 4]).Warnings());
    }

    [Fact]
    public void The_pilot_fills_the_budget_within_bounds_and_repeat_means_what_it_says()
    {
        var budget = TimeSpan.FromSeconds(1);
        Assert.Equal(100, IterationPlan.FromPilot(10, budget).Iterations);
        Assert.Equal(IterationPlan.MaxIterations, IterationPlan.FromPilot(0.001, budget).Iterations);
        Assert.Equal(IterationPlan.MinIterations, IterationPlan.FromPilot(5000, budget).Iterations);
        Assert.Equal(1, IterationPlan.FromPilot(5000, budget).Warmup);
        Assert.Equal(10, IterationPlan.FromPilot(1, budget).Warmup);
        Assert.Equal(new IterationPlan(3, 1), IterationPlan.FromPilot(10, budget, iterations: 1, warmup: 3));
    }
}
