using System.Text.Json;

namespace LavaAccel.Tests;

/// <summary><c>lava compile</c> (and <c>lava run</c>) against the variant cache, through the command line.</summary>
public sealed class CompileCommandTests : IDisposable
{
    private static readonly string Saxpy = LavaCli.RepoFile("kernels/saxpy.cl");

    private static readonly string[] RunSaxpy =
        ["run", Saxpy, "--kernel", "saxpy", "--global", "64", "--arg", "a=2", "--arg", "x=range:64", "--arg", "y=ones:64"];

    private readonly TempLavaHome _home = new();

    public void Dispose() => _home.Dispose();

    private LavaCli.Result Lava(params string[] args) => LavaCli.Run(_home.Path, args);

    private static JsonElement[] JsonArray(LavaCli.Result result)
    {
        Assert.True(result.ExitCode == 0, result.ToString());
        using var json = JsonDocument.Parse(result.Stdout);
        return json.RootElement.EnumerateArray().Select(e => e.Clone()).ToArray();
    }

    // Every target that compiles OpenCL C packages (the ilgpu/* targets take C# packages only).
    private string[] AllTargets() => JsonArray(Lava("--json", "targets")).Where(t => t.GetProperty("kernels").GetString() == "opencl-c").Select(t => t.GetProperty("target").GetString()!).ToArray();

    [Fact]
    public void Compiling_all_targets_twice_compiles_each_once_then_serves_every_one_from_the_cache()
    {
        var targets = AllTargets();
        Assert.NotEmpty(targets);

        var first = JsonArray(Lava("--json", "compile", Saxpy, "--targets", "all"));
        Assert.Equal(targets.Order(StringComparer.Ordinal), first.Select(o => o.GetProperty("target").GetString()!).Order(StringComparer.Ordinal));
        Assert.All(first, o =>
        {
            Assert.False(o.GetProperty("cache_hit").GetBoolean(), o.ToString());
            Assert.Equal(JsonValueKind.Null, o.GetProperty("error").ValueKind);
            Assert.True(o.GetProperty("compile_ms").GetDouble() > 0, o.ToString());
            Assert.Matches("^sha256:[0-9a-f]{64}$", o.GetProperty("digest").GetString());
        });

        var second = JsonArray(Lava("--json", "compile", Saxpy, "--targets", "all"));
        Assert.Equal(targets.Length, second.Length);
        Assert.All(second, o => Assert.True(o.GetProperty("cache_hit").GetBoolean(), $"not served from the cache: {o}"));
        Assert.Equal(first.ToDictionary(o => o.GetProperty("target").GetString()!, o => o.GetProperty("digest").GetString()),
            second.ToDictionary(o => o.GetProperty("target").GetString()!, o => o.GetProperty("digest").GetString()));
        Assert.Equal(first.Select(o => o.GetProperty("key").GetString()), second.Select(o => o.GetProperty("key").GetString()));

        var listed = JsonArray(Lava("--json", "cache", "ls"));
        Assert.Equal(targets.Length, listed.Length);
        Assert.All(listed, e => Assert.True(e.GetProperty("pinned").GetBoolean(), $"lava compile did not pin {e}"));
    }

    [Fact]
    public void Emit_writes_one_intact_artifact_per_target()
    {
        var targets = AllTargets();
        var emit = Path.Combine(_home.Path, "emitted");

        var compiled = JsonArray(Lava("--json", "compile", Saxpy, "--targets", "all", "--emit", emit));

        var files = Directory.GetFiles(emit);
        Assert.Equal(targets.Length, files.Length);
        foreach (var outcome in compiled)
        {
            var target = outcome.GetProperty("target").GetString()!;
            var extension = target switch
            {
                _ when target.StartsWith("cpu/", StringComparison.Ordinal) => ".so",
                _ when target.StartsWith("nvptx/", StringComparison.Ordinal) => ".ptx",
                "opencl/spir" => ".bc",
                _ => ".spv",
            };
            var file = Path.Combine(emit, $"saxpy-{target.Replace('/', '_')}{extension}");
            Assert.True(File.Exists(file), $"--emit wrote no {file}; it wrote {string.Join(", ", files.Select(Path.GetFileName))}");
            Assert.Equal(outcome.GetProperty("digest").GetString(), LavaCli.Sha256Of(file));
            Assert.Equal(outcome.GetProperty("size").GetInt64(), new FileInfo(file).Length);
        }

        // From the cache, too.
        Directory.Delete(emit, recursive: true);
        var hits = JsonArray(Lava("--json", "compile", Saxpy, "--targets", "all", "--emit", emit));
        Assert.All(hits, o => Assert.True(o.GetProperty("cache_hit").GetBoolean()));
        Assert.Equal(targets.Length, Directory.GetFiles(emit).Length);
    }

    [Theory]
    [InlineData("cpu/x86_64/x86-64-v2,cpu/x86_64/pentium")]
    [InlineData("cpu/x86_64/pentium")]
    [InlineData("cpu/x86_64/x86-64-v2,nonsense")]
    public void An_unknown_target_fails_with_an_error_line_before_anything_compiles(string targets)
    {
        var result = Lava("compile", Saxpy, "--targets", targets);

        Assert.True(result.ExitCode != 0, result.ToString());
        var lines = result.Stderr.TrimEnd('\n').Split('\n');
        Assert.True(lines.Length == 1, result.ToString());
        Assert.StartsWith("error: ", lines[0]);
        Assert.DoesNotContain("   at ", result.Stderr);
        var cache = new LavaAccel.Cache.VariantCache(_home.Path);
        Assert.Empty(cache.List());
        Assert.Equal(0, cache.Stats().Blobs);
    }

    [Fact]
    public void Run_json_reports_a_miss_then_a_hit_for_the_same_run()
    {
        var first = Lava(["--json", .. RunSaxpy, "--target", "cpu/x86_64/x86-64-v2"]);
        Assert.True(first.ExitCode == 0, first.ToString());
        using var firstJson = JsonDocument.Parse(first.Stdout);
        Assert.False(firstJson.RootElement.GetProperty("cache_hit").GetBoolean());
        Assert.True(firstJson.RootElement.GetProperty("compile_ms").GetDouble() > 0);

        var second = Lava(["--json", .. RunSaxpy, "--target", "cpu/x86_64/x86-64-v2"]);
        Assert.True(second.ExitCode == 0, second.ToString());
        using var secondJson = JsonDocument.Parse(second.Stdout);
        Assert.True(secondJson.RootElement.GetProperty("cache_hit").GetBoolean());

        var entry = Assert.Single(JsonArray(Lava("--json", "cache", "ls")));
        Assert.Equal("cpu/x86_64/x86-64-v2", entry.GetProperty("target").GetString());
        Assert.False(entry.GetProperty("pinned").GetBoolean(), "lava run pinned its variant");
    }

    [Fact]
    public void A_precompiled_variant_is_a_hit_for_lava_run()
    {
        var compiled = Lava("compile", Saxpy, "--targets", "cpu/x86_64/x86-64-v3");
        Assert.True(compiled.ExitCode == 0, compiled.ToString());

        var run = Lava(["--json", .. RunSaxpy, "--target", "cpu/x86_64/x86-64-v3"]);
        Assert.True(run.ExitCode == 0, run.ToString());
        using var json = JsonDocument.Parse(run.Stdout);
        Assert.True(json.RootElement.GetProperty("cache_hit").GetBoolean());
    }

    [Fact]
    public async Task Two_compile_processes_started_at_once_leave_one_entry_per_target_and_a_clean_cache()
    {
        const string Targets = "cpu/x86_64/x86-64-v2,cpu/x86_64/x86-64-v3,cpu/aarch64/generic,cpu/aarch64/neoverse-n1";
        var both = Enumerable.Range(0, 2).Select(_ => Task.Run(() => Lava("--json", "compile", Saxpy, "--targets", Targets))).ToArray();
        var results = await Task.WhenAll(both).WaitAsync(TimeSpan.FromMinutes(3));

        var outcomes = results.Select(JsonArray).ToArray();
        foreach (var target in Targets.Split(','))
        {
            var digests = outcomes.Select(o => o.Single(x => x.GetProperty("target").GetString() == target).GetProperty("digest").GetString()).ToArray();
            Assert.Equal(digests[0], digests[1]);
        }
        var listed = JsonArray(Lava("--json", "cache", "ls"));
        Assert.Equal(Targets.Split(',').Order(StringComparer.Ordinal), listed.Select(e => e.GetProperty("target").GetString()!).Order(StringComparer.Ordinal));
        Assert.All(listed, e => Assert.Equal(JsonValueKind.Null, e.GetProperty("error").ValueKind));
        var verify = Lava("cache", "verify");
        Assert.True(verify.ExitCode == 0, verify.ToString());
        Assert.Empty(_home.DamagedFiles());
    }

    [Fact]
    public void A_run_that_overflows_a_cache_of_pinned_variants_still_runs_the_variant_it_compiled()
    {
        // Fill the cache with pinned variants, then let a run's new (unpinned) variant push it over
        // LAVA_CACHE_MAX_SIZE: the automatic bound may evict, but not the artifact the run is about to load.
        var pinned = JsonArray(Lava("--json", "compile", Saxpy, "--targets", "cpu/x86_64/x86-64-v2,cpu/x86_64/x86-64-v3"));
        var pinnedBytes = pinned.Sum(o => o.GetProperty("size").GetInt64());
        var bound = (pinnedBytes * 10 / 9) + 100;

        var run = LavaCli.RunWith(_home.Path, new Dictionary<string, string> { ["LAVA_CACHE_MAX_SIZE"] = bound.ToString(System.Globalization.CultureInfo.InvariantCulture) },
            ["--json", .. RunSaxpy, "--target", "cpu/x86_64/x86-64-v4"]);

        Assert.True(run.ExitCode == 0, $"with LAVA_CACHE_MAX_SIZE={bound} and {pinnedBytes} pinned bytes: {run}");
        using var json = JsonDocument.Parse(run.Stdout);
        Assert.False(json.RootElement.GetProperty("cache_hit").GetBoolean());
    }
}
