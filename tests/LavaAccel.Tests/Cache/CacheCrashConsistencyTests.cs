using System.Diagnostics;
using System.Text.Json;
using LavaAccel.Cache;

namespace LavaAccel.Tests;

/// <summary>
/// kill -9 of <c>lava compile</c> at any moment leaves the variant cache consistent: every entry
/// points at an intact blob, nothing torn sits under a real name, and the next compile finishes the job.
/// </summary>
public sealed class CacheCrashConsistencyTests : IDisposable
{
    private readonly TempLavaHome _home = new();

    public void Dispose() => _home.Dispose();

    [Fact]
    public void Killing_compile_at_random_moments_never_leaves_a_damaged_cache()
    {
        var sgemm = LavaCli.RepoFile("kernels/sgemm.cl");
        var seed = Environment.TickCount;
        var random = new Random(seed);
        var budget = Stopwatch.StartNew();
        var kills = new List<int>();
        for (var round = 0; round < 8 && budget.Elapsed < TimeSpan.FromSeconds(35); round++)
        {
            var delay = random.Next(50, 1500);
            kills.Add(delay);
            using (var process = LavaCli.Start(_home.Path, "compile", sgemm, "--targets", "all"))
            {
                Thread.Sleep(delay);
                try
                {
                    process.Kill(entireProcessTree: true);
                }
                catch (InvalidOperationException)
                {
                    // It already finished.
                }
                Assert.True(process.WaitForExit(TimeSpan.FromSeconds(30)), "the killed compile did not exit");
            }
            var context = $"seed {seed}, kills after {string.Join(", ", kills)} ms";

            var verify = LavaCli.Run(_home.Path, "--json", "cache", "verify");
            Assert.True(verify.ExitCode == 0, $"{context}: {verify}");
            using (var json = JsonDocument.Parse(verify.Stdout))
            {
                Assert.True(json.RootElement.GetProperty("clean").GetBoolean(), $"{context}: {verify.Stdout}");
            }
            var damaged = _home.DamagedFiles();
            Assert.True(damaged.Count == 0, $"{context}:\n{string.Join('\n', damaged)}");

            // A full compile takes about a second here: evict half of what survived so the next
            // kill lands in compile work again, not in a run of cache hits.
            var cache = new VariantCache(_home.Path);
            cache.Gc(cache.Stats().Bytes / 2);
            Assert.True(cache.Verify().Clean, $"{context}: not clean after gc");
        }

        var full = LavaCli.Run(_home.Path, "--json", "compile", sgemm, "--targets", "all");
        Assert.True(full.ExitCode == 0, full.ToString());
        var again = LavaCli.Run(_home.Path, "--json", "compile", sgemm, "--targets", "all");
        Assert.True(again.ExitCode == 0, again.ToString());
        using var outcomes = JsonDocument.Parse(again.Stdout);
        Assert.All(outcomes.RootElement.EnumerateArray(), o => Assert.True(o.GetProperty("cache_hit").GetBoolean(), $"not a hit after recovery: {o}"));
        Assert.Empty(_home.DamagedFiles());
        Assert.True(new VariantCache(_home.Path).Verify().Clean);
    }

    [Theory]
    [InlineData("blobs/ab")]
    [InlineData("actions/ab")]
    [InlineData("tmp")]
    public void Gc_removes_old_temporaries_that_killed_writers_left_in_the_cache(string directory)
    {
        // AtomicFile writes entries and blobs through .tmp-* files, and compiles write their output to
        // tmp/.tmp-*.so; a kill leaves them behind. gc is documented to clean them up.
        var where = Path.Combine(_home.CacheRoot, directory);
        Directory.CreateDirectory(where);
        var old = Path.Combine(where, $".tmp-4242-{Guid.NewGuid():N}");
        var young = Path.Combine(where, $".tmp-4243-{Guid.NewGuid():N}");
        File.WriteAllBytes(old, new byte[4096]);
        File.WriteAllBytes(young, new byte[4096]);
        File.SetLastWriteTimeUtc(old, DateTime.UtcNow - TimeSpan.FromDays(2));

        var cache = new VariantCache(_home.Path);
        Assert.True(cache.Verify().Clean, "a stray temporary counts as damage");
        cache.Gc(VariantCache.DefaultMaxBytes);

        Assert.False(File.Exists(old), $"gc left a two-day-old temporary in cache/{directory}");
        Assert.True(File.Exists(young), "gc removed a temporary a writer may still be using");
    }
}
