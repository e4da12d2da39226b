using System.Text;
using LavaAccel.Backends;
using LavaAccel.Cache;
using LavaAccel.Toolchain;

namespace LavaAccel.Tests;

/// <summary>The variant cache: keys, hits, integrity, recorded failures, concurrency and eviction.</summary>
public sealed class VariantCacheTests(KernelWorkspace workspace) : IClassFixture<KernelWorkspace>, IDisposable
{
    private const string Scale = """
        __kernel void scale(__global float* y)
        {
            size_t i = get_global_id(0);
            y[i] = y[i] * FACTOR;
        }
        """;

    private static readonly TargetId V2 = TargetId.Parse("cpu/x86_64/x86-64-v2");
    private static readonly TargetId V3 = TargetId.Parse("cpu/x86_64/x86-64-v3");
    private static readonly TargetId Arm = TargetId.Parse("cpu/aarch64/generic");

    private readonly TempLavaHome _home = new();
    private int _compiles;

    public void Dispose() => _home.Dispose();

    private PackedSource Packed(string factor = "2.0f") => workspace.Pack("scale.cl", Scale, "CL1.2", $"FACTOR={factor}");

    /// <summary>The real compile worker, counted.</summary>
    private CompileResult CountedCompile(CompileRequest request)
    {
        Interlocked.Increment(ref _compiles);
        return CompileWorkerClient.Compile(request.PackagePath, request.Target, request.OutputPath);
    }

    /// <summary>A stand-in compiler writing the given bytes, counted.</summary>
    private Func<CompileRequest, CompileResult> FakeCompile(Func<TargetId, byte[]> artifact) => request =>
    {
        var (target, output) = (request.Target, request.OutputPath);
        Interlocked.Increment(ref _compiles);
        var bytes = artifact(target);
        File.WriteAllBytes(output, bytes);
        return new CompileResult(target, output, 1, 1, bytes.Length, new Dictionary<string, string> { ["scale"] = "loop" });
    };

    private static byte[] Filler(string text, int size)
    {
        var bytes = new byte[size];
        var seed = Encoding.UTF8.GetBytes(text);
        for (var i = 0; i < size; i++)
        {
            bytes[i] = seed[i % seed.Length];
        }
        return bytes;
    }

    private static void FlipOneByte(string path)
    {
        var bytes = File.ReadAllBytes(path);
        bytes[bytes.Length / 2] ^= 0x5a;
        File.SetAttributes(path, FileAttributes.Normal);
        File.WriteAllBytes(path, bytes);
    }

    // ---- keys -------------------------------------------------------------------------------

    [Fact]
    public void The_same_package_and_target_give_the_same_key()
    {
        var package = Packed().Package;
        Assert.Equal(VariantKey.Compute(package, V2), VariantKey.Compute(package, V2));
        Assert.Equal(VariantKey.Compute(package, V2), VariantKey.Compute(Package.Load(Packed().Path), TargetId.Parse("cpu/x86_64/x86-64-v2")));
        Assert.Matches("^sha256:[0-9a-f]{64}$", VariantKey.Compute(package, V2));
    }

    [Fact]
    public void A_different_target_gives_a_different_key()
    {
        var package = Packed().Package;
        var keys = BackendRegistry.AllTargets.Select(t => VariantKey.Compute(package, t)).ToArray();
        Assert.Equal(keys.Length, keys.Distinct().Count());
        Assert.NotEqual(VariantKey.Compute(package, V2), VariantKey.Compute(package, V3));
    }

    [Fact]
    public void A_changed_IR_from_another_definition_gives_a_different_key()
    {
        var two = Packed("2.0f").Package;
        var three = Packed("3.0f").Package;
        Assert.NotEqual(two.Manifest.IrDigest, three.Manifest.IrDigest);
        Assert.NotEqual(VariantKey.Compute(two, V2), VariantKey.Compute(three, V2));
    }

    [Fact]
    public void Different_compile_options_give_a_different_key()
    {
        var package = Packed().Package;
        Assert.Equal(VariantKey.Compute(package, V2), VariantKey.Compute(package, V2, VariantKey.DefaultOptions));
        Assert.NotEqual(VariantKey.Compute(package, V2), VariantKey.Compute(package, V2, "O2"));
        Assert.NotEqual(VariantKey.Compute(package, V2, "O0"), VariantKey.Compute(package, V2, "O2"));
    }

    [Fact]
    public void Packing_the_same_source_twice_gives_the_same_key()
    {
        var first = PackageBuilder.Pack(workspace.WriteFile("twice.cl", Scale), new PackOptions(["FACTOR=5.0f"]));
        var second = PackageBuilder.Pack(workspace.WriteFile("twice.cl", Scale), new PackOptions(["FACTOR=5.0f"]));
        Assert.Equal(first.Manifest.IrDigest, second.Manifest.IrDigest);
        foreach (var target in BackendRegistry.AllTargets)
        {
            Assert.Equal(VariantKey.Compute(first, target), VariantKey.Compute(second, target));
        }
    }

    // ---- hits -------------------------------------------------------------------------------

    [Fact]
    public void A_second_request_is_a_hit_on_an_intact_artifact_compiled_once()
    {
        var packed = Packed();
        var cache = new VariantCache(_home.Path, CountedCompile);

        var first = cache.GetOrCompile(packed.Package, V2);
        var second = cache.GetOrCompile(packed.Package, V2);

        Assert.False(first.Hit);
        Assert.True(second.Hit);
        Assert.Equal(1, _compiles);
        Assert.Equal(first.Key, second.Key);
        Assert.Equal(VariantKey.Compute(packed.Package, V2), second.Key);
        Assert.True(File.Exists(second.ArtifactPath), second.ArtifactPath);
        Assert.Equal(second.Entry.Blob, LavaCli.Sha256Of(second.ArtifactPath));
        Assert.Equal(first.Entry.Blob, second.Entry.Blob);
        Assert.Equal(new FileInfo(second.ArtifactPath).Length, second.Entry.Size);
        Assert.Equal("cpu/x86_64/x86-64-v2", second.Entry.Target);
        Assert.Equal(packed.Package.Digest, second.Entry.PackageDigest);
        var tried = cache.TryGet(packed.Package, V2);
        Assert.NotNull(tried);
        Assert.True(tried.Hit);
        Assert.Null(cache.TryGet(packed.Package, V3));
        Assert.Equal(1, _compiles);
    }

    // ---- integrity --------------------------------------------------------------------------

    [Fact]
    public void A_flipped_byte_in_a_blob_is_reported_quarantined_and_rebuilt_on_next_use()
    {
        var packed = Packed();
        var cache = new VariantCache(_home.Path, CountedCompile);
        var compiled = cache.GetOrCompile(packed.Package, V2);
        Assert.True(cache.Verify().Clean);

        FlipOneByte(compiled.ArtifactPath);
        var report = cache.Verify();
        Assert.False(report.Clean);
        Assert.Contains(report.Problems, p => p.Contains(compiled.Entry.Blob!, StringComparison.Ordinal));
        Assert.False(File.Exists(compiled.ArtifactPath), "the damaged blob was not moved out of the store");
        Assert.NotEmpty(Directory.EnumerateFiles(Path.Combine(_home.CacheRoot, "quarantine")));

        var rebuilt = cache.GetOrCompile(packed.Package, V2);
        Assert.False(rebuilt.Hit);
        Assert.Equal(2, _compiles);
        Assert.Equal(rebuilt.Entry.Blob, LavaCli.Sha256Of(rebuilt.ArtifactPath));
        var after = cache.Verify();
        Assert.True(after.Clean, string.Join('\n', after.Problems));
    }

    [Fact]
    public void A_flipped_byte_in_a_blob_is_never_served_as_a_hit()
    {
        var packed = Packed();
        var cache = new VariantCache(_home.Path, CountedCompile);
        var compiled = cache.GetOrCompile(packed.Package, V2);

        FlipOneByte(compiled.ArtifactPath);
        Assert.Null(cache.TryGet(packed.Package, V2));
        var again = cache.GetOrCompile(packed.Package, V2);

        Assert.False(again.Hit);
        Assert.Equal(2, _compiles);
        Assert.Equal(again.Entry.Blob, LavaCli.Sha256Of(again.ArtifactPath));
        Assert.True(cache.Verify().Clean);
    }

    [Fact]
    public void A_miss_producing_the_bytes_of_a_damaged_blob_gets_an_intact_artifact()
    {
        // Two variants with the same artifact share a blob. If that blob is damaged (same length),
        // compiling the second variant must not hand out the damaged file.
        var packed = Packed();
        var artifact = Filler("shared artifact", 4096);
        var cache = new VariantCache(_home.Path, FakeCompile(_ => artifact));
        var first = cache.GetOrCompile(packed.Package, V2);
        FlipOneByte(first.ArtifactPath);

        var second = cache.GetOrCompile(packed.Package, V3);

        Assert.False(second.Hit);
        Assert.Equal(first.Entry.Blob, second.Entry.Blob);
        Assert.True(second.Entry.Blob == LavaCli.Sha256Of(second.ArtifactPath),
            $"GetOrCompile returned {second.ArtifactPath}, whose bytes do not match the entry's digest {second.Entry.Blob}");
        Assert.Equal(artifact, File.ReadAllBytes(second.ArtifactPath));
    }

    [Theory]
    [InlineData("truncated")]
    [InlineData("garbage")]
    [InlineData("empty")]
    [InlineData("json null")]
    [InlineData("another key")]
    public void A_damaged_entry_reads_as_a_miss_and_is_rewritten(string damage)
    {
        var packed = Packed();
        var cache = new VariantCache(_home.Path, CountedCompile);
        var compiled = cache.GetOrCompile(packed.Package, V2);
        var entryPath = _home.EntryPath(compiled.Key);
        var text = File.ReadAllText(entryPath);
        File.WriteAllText(entryPath, damage switch
        {
            "truncated" => text[..(text.Length / 2)],
            "garbage" => "\u0001\u0002 not json at all {{{",
            "empty" => "",
            "json null" => "null",
            _ => text.Replace(compiled.Key, VariantKey.Compute(packed.Package, V3), StringComparison.Ordinal),
        });
        Assert.Contains(cache.Verify().Problems, p => p.Contains("unreadable", StringComparison.Ordinal));

        var again = cache.GetOrCompile(packed.Package, V2);

        Assert.False(again.Hit);
        Assert.Equal(2, _compiles);
        var rewritten = cache.Actions.Get(compiled.Key);
        Assert.NotNull(rewritten);
        Assert.Equal(compiled.Entry.Blob, rewritten.Blob);
        Assert.True(cache.GetOrCompile(packed.Package, V2).Hit);
        Assert.True(cache.Verify().Clean);
    }

    [Fact]
    public void An_entry_whose_blob_digest_was_bit_flipped_to_a_non_digest_reads_as_a_miss()
    {
        var packed = Packed();
        var cache = new VariantCache(_home.Path, CountedCompile);
        var compiled = cache.GetOrCompile(packed.Package, V2);
        var entryPath = _home.EntryPath(compiled.Key);
        var hex = compiled.Entry.Blob![7..];
        // One bit of bit rot: a lower-case hex letter becomes upper case; the JSON stays valid.
        var at = hex.IndexOfAny(['a', 'b', 'c', 'd', 'e', 'f']);
        var rotten = "sha256:" + hex[..at] + char.ToUpperInvariant(hex[at]) + hex[(at + 1)..];
        File.WriteAllText(entryPath, File.ReadAllText(entryPath).Replace(compiled.Entry.Blob, rotten, StringComparison.Ordinal));

        var again = cache.GetOrCompile(packed.Package, V2);

        Assert.False(again.Hit);
        Assert.Equal(2, _compiles);
        Assert.Equal(compiled.Entry.Blob, again.Entry.Blob);
    }

    [Fact]
    public void Cache_verify_exits_non_zero_with_an_error_line_on_damage_and_zero_when_clean()
    {
        var packed = Packed();
        var cache = new VariantCache(_home.Path, CountedCompile);
        var compiled = cache.GetOrCompile(packed.Package, V2);

        var clean = LavaCli.Run(_home.Path, "cache", "verify");
        Assert.True(clean.ExitCode == 0, clean.ToString());
        Assert.DoesNotContain("error:", clean.Stderr);

        FlipOneByte(compiled.ArtifactPath);
        var damaged = LavaCli.Run(_home.Path, "cache", "verify");
        Assert.True(damaged.ExitCode != 0, damaged.ToString());
        Assert.Contains(damaged.Stderr.Split('\n'), l => l.StartsWith("error: ", StringComparison.Ordinal));
        Assert.Contains(compiled.Entry.Blob!, damaged.Stdout);

        Assert.False(cache.GetOrCompile(packed.Package, V2).Hit);
        var repaired = LavaCli.Run(_home.Path, "--json", "cache", "verify");
        Assert.True(repaired.ExitCode == 0, repaired.ToString());
        using var json = System.Text.Json.JsonDocument.Parse(repaired.Stdout);
        Assert.True(json.RootElement.GetProperty("clean").GetBoolean());
        Assert.Equal(1, json.RootElement.GetProperty("entries_checked").GetInt32());
    }

    // ---- failures ---------------------------------------------------------------------------

    [Fact]
    public void A_failed_compile_is_recorded_but_never_served_and_other_targets_are_cached()
    {
        var packed = Packed();
        var failures = 0;
        var cache = new VariantCache(_home.Path, request =>
        {
            if (request.Target == Arm)
            {
                Interlocked.Increment(ref failures);
                throw new LavaException("compiling for cpu/aarch64/generic: test-injected backend failure");
            }
            return CountedCompile(request);
        });

        var error = Assert.Throws<LavaException>(() => cache.GetOrCompile(packed.Package, Arm));
        Assert.Contains("test-injected", error.Message);
        var good = cache.GetOrCompile(packed.Package, V2);
        Assert.False(good.Hit);

        var recorded = Assert.Single(cache.List(), e => e.Target == Arm.ToString());
        Assert.Null(recorded.Blob);
        Assert.Contains("test-injected", recorded.Error);
        Assert.Equal(VariantKey.Compute(packed.Package, Arm), recorded.Key);
        Assert.Equal(1, cache.Stats().Failures);
        Assert.Equal(1, cache.Stats().Entries);
        Assert.Null(cache.TryGet(packed.Package, Arm));

        Assert.Throws<LavaException>(() => cache.GetOrCompile(packed.Package, Arm));
        Assert.Equal(2, failures);
        Assert.True(cache.GetOrCompile(packed.Package, V2).Hit);
        Assert.Equal(1, _compiles);
        Assert.True(cache.Verify().Clean);
    }

    // ---- concurrency ------------------------------------------------------------------------

    [Fact]
    public void Four_threads_asking_for_the_same_missing_variant_compile_it_once()
    {
        var packed = Packed();
        var cache = new VariantCache(_home.Path, request =>
        {
            Thread.Sleep(300);
            return CountedCompile(request);
        });
        using var start = new Barrier(4);
        var results = new CachedVariant?[4];
        var errors = new Exception?[4];
        var threads = Enumerable.Range(0, 4).Select(i => new Thread(() =>
        {
            try
            {
                start.SignalAndWait();
                results[i] = cache.GetOrCompile(packed.Package, V2);
            }
            catch (Exception e)
            {
                errors[i] = e;
            }
        })).ToArray();
        foreach (var thread in threads)
        {
            thread.Start();
        }
        foreach (var thread in threads)
        {
            Assert.True(thread.Join(TimeSpan.FromMinutes(2)), "a thread did not finish");
        }

        Assert.All(errors, e => Assert.Null(e));
        Assert.Equal(1, _compiles);
        var blob = Assert.Single(results.Select(r => r!.Entry.Blob).Distinct());
        Assert.Single(results.Select(r => r!.ArtifactPath).Distinct());
        Assert.Single(results, r => !r!.Hit);
        Assert.Equal(blob, LavaCli.Sha256Of(results[0]!.ArtifactPath));
        Assert.True(cache.Verify().Clean);
    }

    [Fact]
    public async Task A_pinning_request_that_waited_for_a_concurrent_compile_still_pins_the_variant()
    {
        // `lava run` (unpinned) compiles a variant while `lava compile` (pinned) asks for the same one.
        var packed = Packed();
        using var started = new ManualResetEventSlim();
        using var release = new ManualResetEventSlim();
        var fake = FakeCompile(_ => Filler("pinned", 2048));
        var cache = new VariantCache(_home.Path, request =>
        {
            started.Set();
            release.Wait(TimeSpan.FromSeconds(30));
            return fake(request);
        });

        // Dedicated threads: a pool thread might start only after the compile finished.
        var run = StartThread(() => cache.GetOrCompile(packed.Package, V2, pin: false));
        Assert.True(started.Wait(TimeSpan.FromSeconds(30)));
        using var asking = new ManualResetEventSlim();
        var precompile = StartThread(() =>
        {
            asking.Set();
            return cache.GetOrCompile(packed.Package, V2, pin: true);
        });
        Assert.True(asking.Wait(TimeSpan.FromSeconds(30)));
        Thread.Sleep(300); // the precompile has missed and now waits for the variant's lock
        release.Set();
        await Task.WhenAll(run, precompile).WaitAsync(TimeSpan.FromMinutes(1));
        Assert.False((await run).Hit);

        Assert.Equal(1, _compiles);
        var entry = cache.Actions.Get(VariantKey.Compute(packed.Package, V2));
        Assert.NotNull(entry);
        Assert.True(entry.Pinned, "GetOrCompile(pin: true) returned the variant but left it unpinned");
    }

    private static Task<T> StartThread<T>(Func<T> work)
    {
        var done = new TaskCompletionSource<T>(TaskCreationOptions.RunContinuationsAsynchronously);
        new Thread(() =>
        {
            try
            {
                done.SetResult(work());
            }
            catch (Exception e)
            {
                done.SetException(e);
            }
        }).Start();
        return done.Task;
    }

    // ---- eviction ---------------------------------------------------------------------------

    private void SetLastUse(string key, TimeSpan ago) => File.SetLastWriteTimeUtc(_home.EntryPath(key), DateTime.UtcNow - ago);

    [Fact]
    public void Gc_evicts_the_least_recently_used_first_and_pinned_variants_last()
    {
        var packed = Packed();
        var targets = BackendRegistry.AllTargets.Take(5).ToArray();
        var cache = new VariantCache(_home.Path, FakeCompile(t => Filler(t.ToString(), 1000)));
        var keys = targets.Select((t, i) => cache.GetOrCompile(packed.Package, t, pin: i == 0).Key).ToArray();
        // Last use: the pinned one longest ago, then 1, 2, 3, 4.
        for (var i = 0; i < keys.Length; i++)
        {
            SetLastUse(keys[i], TimeSpan.FromMinutes(50 - (10 * i)));
        }
        // Using variant 1 makes it the most recently used.
        Assert.True(cache.GetOrCompile(packed.Package, targets[1]).Hit);
        Assert.Equal(keys[1], cache.List()[0].Key);
        Assert.Equal(5000, cache.Stats().Bytes);

        var report = cache.Gc(2500);

        Assert.Equal(3, report.EntriesRemoved);
        Assert.Equal(3, report.BlobsRemoved);
        Assert.Equal(3000, report.BytesFreed);
        Assert.True(cache.Stats().Bytes <= 2500, $"{cache.Stats().Bytes} bytes left");
        Assert.Equal(2000, report.BytesLeft);
        Assert.Equal(new[] { keys[1], keys[0] }, cache.List().Select(e => e.Key));
        Assert.Null(cache.TryGet(packed.Package, targets[2]));
        Assert.Null(cache.TryGet(packed.Package, targets[3]));
        Assert.Null(cache.TryGet(packed.Package, targets[4]));

        cache.Gc(1000);
        var pinned = Assert.Single(cache.List());
        Assert.Equal(keys[0], pinned.Key);
        Assert.True(pinned.Pinned);

        cache.Gc(0);
        Assert.Empty(cache.List());
        Assert.Equal(0, cache.Stats().Bytes);
        Assert.True(cache.Verify().Clean);
    }

    [Fact]
    public void Gc_keeps_a_blob_shared_by_two_entries_while_one_still_refers_to_it()
    {
        var packed = Packed();
        var shared = Filler("shared", 1000);
        var cache = new VariantCache(_home.Path, FakeCompile(t => t == Arm ? Filler("own", 1000) : shared));
        var oldest = cache.GetOrCompile(packed.Package, V2);
        var middle = cache.GetOrCompile(packed.Package, Arm);
        var newest = cache.GetOrCompile(packed.Package, V3);
        Assert.Equal(oldest.Entry.Blob, newest.Entry.Blob);
        Assert.Equal(2, cache.Stats().Blobs);
        SetLastUse(oldest.Key, TimeSpan.FromMinutes(30));
        SetLastUse(middle.Key, TimeSpan.FromMinutes(20));
        SetLastUse(newest.Key, TimeSpan.FromMinutes(10));

        // Evicting the oldest entry frees nothing (its blob is shared); the next one goes too.
        var report = cache.Gc(1500);

        Assert.Equal(2, report.EntriesRemoved);
        Assert.Equal(1, report.BlobsRemoved);
        Assert.True(File.Exists(newest.ArtifactPath), "the shared blob was deleted while an entry still refers to it");
        var hit = cache.TryGet(packed.Package, V3);
        Assert.NotNull(hit);
        Assert.Equal(shared, File.ReadAllBytes(hit.ArtifactPath));
        Assert.Null(cache.TryGet(packed.Package, V2));
        Assert.False(File.Exists(middle.ArtifactPath));
        Assert.True(cache.Stats().Bytes <= 1500);
        Assert.True(cache.Verify().Clean);
    }

    [Fact]
    public void Gc_removes_orphan_blobs_older_than_ten_minutes_and_keeps_young_ones()
    {
        var packed = Packed();
        var cache = new VariantCache(_home.Path, FakeCompile(_ => Filler("kept", 1000)));
        var kept = cache.GetOrCompile(packed.Package, V2);
        SetLastUse(kept.Key, TimeSpan.FromDays(3));
        File.SetLastWriteTimeUtc(kept.ArtifactPath, DateTime.UtcNow - TimeSpan.FromDays(3));
        var oldOrphan = cache.Blobs.Put(Filler("old orphan", 700));
        var youngOrphan = cache.Blobs.Put(Filler("young orphan", 500));
        File.SetLastWriteTimeUtc(cache.Blobs.PathOf(oldOrphan), DateTime.UtcNow - TimeSpan.FromMinutes(11));
        File.SetLastWriteTimeUtc(cache.Blobs.PathOf(youngOrphan), DateTime.UtcNow - TimeSpan.FromMinutes(9));

        var report = cache.Gc(VariantCache.DefaultMaxBytes);

        Assert.False(File.Exists(cache.Blobs.PathOf(oldOrphan)), "an orphan blob older than 10 minutes survived gc");
        Assert.True(File.Exists(cache.Blobs.PathOf(youngOrphan)), "gc removed a young orphan (it may belong to a compile in progress)");
        Assert.True(File.Exists(kept.ArtifactPath), "gc removed a referenced blob");
        Assert.Equal(0, report.EntriesRemoved);
        Assert.Equal(1, report.BlobsRemoved);
        Assert.Equal(700, report.BytesFreed);
        Assert.Equal(1500, report.BytesLeft);
        Assert.True(cache.TryGet(packed.Package, V2)?.Hit);
    }

    public static TheoryData<string, long> Sizes() => new()
    {
        { "500M", 500L << 20 },
        { "2G", 2L << 30 },
        { "1048576", 1048576 },
        { "64K", 64L << 10 },
        { "1.5G", 3L << 29 },
        { "2GiB", 2L << 30 },
        { " 500m ", 500L << 20 },
        { "0", 0 },
    };

    [Theory]
    [MemberData(nameof(Sizes))]
    public void ParseSize_reads_sizes_with_binary_suffixes(string text, long bytes) => Assert.Equal(bytes, VariantCache.ParseSize(text));

    [Theory]
    [InlineData("lots")]
    [InlineData("")]
    [InlineData("12X")]
    [InlineData("-1M")]
    [InlineData("G")]
    [InlineData("1,5G")]
    public void ParseSize_rejects_what_is_not_a_size(string text)
    {
        var error = Assert.Throws<LavaException>(() => VariantCache.ParseSize(text));
        Assert.Contains("is not a size", error.Message);
    }
}
