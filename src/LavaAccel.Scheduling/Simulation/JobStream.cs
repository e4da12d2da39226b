using System.Globalization;

namespace LavaAccel.Scheduling.Simulation;

/// <summary>
/// A synthetic, seeded job stream: a few dozen distinct kernels (so that compile caching matters),
/// compute-bound and memory-bound, a quarter of them in fp64; work-items log-uniform in 1e4–1e8,
/// buffers from kilobytes to gigabytes, a few jobs data-heavy so that transfer matters.
/// </summary>
public static class JobStream
{
    private static readonly string[] Fp64 = ["fp64"];
    private static readonly string[] NoFeatures = [];

    /// <summary>Generates <paramref name="count"/> jobs over <paramref name="kernels"/> distinct kernel keys.</summary>
    public static IReadOnlyList<KernelWork> Generate(int count = 10_000, int seed = 1, int kernels = 40)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(kernels, 1);
        var random = new Random(seed);
        double LogUniform(double low, double high) => low * Math.Pow(high / low, random.NextDouble());
        var catalog = new (string Key, double Flops, double Bytes, string[] Features)[kernels];
        for (var k = 0; k < kernels; k++)
        {
            var shape = random.NextDouble();
            var (flops, bytes, name) = shape < 0.45
                ? (LogUniform(200, 20_000), LogUniform(8, 32), "compute")
                : shape < 0.9 ? (LogUniform(1, 8), LogUniform(16, 128), "stream") : (LogUniform(20, 200), LogUniform(8, 64), "mixed");
            var features = random.NextDouble() < 0.25 ? Fp64 : NoFeatures;
            catalog[k] = (string.Create(CultureInfo.InvariantCulture, $"sim:{name}-{k:00}"), flops, bytes, features);
        }
        var jobs = new KernelWork[count];
        for (var i = 0; i < count; i++)
        {
            // Skewed popularity: a few hot kernels, a long tail, as in a real job mix.
            var k = (int)(kernels * Math.Pow(random.NextDouble(), 2));
            var kernel = catalog[k];
            var items = (long)LogUniform(1e4, 1e8);
            var buffer = items * kernel.Bytes * LogUniform(0.5, 2);
            if (random.NextDouble() < 0.03)
            {
                // Data-heavy: reads a large input once (tables, meshes), up to 24 GB.
                buffer = Math.Min(buffer * LogUniform(10, 100), 24e9);
            }
            jobs[i] = new KernelWork(kernel.Key, kernel.Flops, kernel.Bytes, items, Math.Max(1024, (long)buffer), kernel.Features);
        }
        return jobs;
    }
}
