using LavaAccel.Host;
using System.Diagnostics;
using System.Globalization;
using LavaAccel.Backends;

namespace LavaAccel.Cache;

/// <summary>
/// The variant cache: compiled artifacts in a content-addressed store, found by variant key. Safe
/// for several processes and threads at once; writes are atomic; reads are verified.
/// </summary>
public sealed class VariantCache
{
    /// <summary>Default size bound (<c>LAVA_CACHE_MAX_SIZE</c> overrides, e.g. <c>500M</c>).</summary>
    public const long DefaultMaxBytes = 2L << 30;

    private static readonly TimeSpan LockTimeout = TimeSpan.FromMinutes(10);
    private readonly Func<CompileRequest, CompileResult> _compile;

    /// <summary>Opens the cache under <paramref name="home"/> (default <see cref="LavaHome.Path"/>).</summary>
    /// <param name="home">LAVA_HOME.</param>
    /// <param name="compile">Compiles on a miss; the compile worker by default.</param>
    public VariantCache(string? home = null, Func<CompileRequest, CompileResult>? compile = null)
    {
        Root = Path.Combine(home ?? LavaHome.Path, "cache");
        Blobs = new ContentStore(Root);
        Actions = new ActionCache(Root);
        _compile = compile ?? (r => CompileWorkerClient.Compile(r.PackagePath, r.Target, r.OutputPath));
        var configured = Environment.GetEnvironmentVariable("LAVA_CACHE_MAX_SIZE");
        MaxBytes = string.IsNullOrEmpty(configured) ? DefaultMaxBytes : ParseSize(configured);
    }

    /// <summary>The cache directory.</summary>
    public string Root { get; }

    /// <summary>Artifacts.</summary>
    public ContentStore Blobs { get; }

    /// <summary>Key → artifact records.</summary>
    public ActionCache Actions { get; }

    /// <summary>Automatic size bound; least recently used variants go first when it is exceeded.</summary>
    public long MaxBytes { get; }

    /// <summary>The hit path: key, entry, verified blob. Null on a miss (damaged blobs count as misses).</summary>
    public CachedVariant? TryGet(Package package, TargetId target)
    {
        var clock = Stopwatch.StartNew();
        var key = VariantKey.Compute(package, target);
        return Lookup(key, clock);
    }

    /// <summary>
    /// Returns the cached variant, compiling it (once, whoever asks) when it is missing; the
    /// package is written for the compile worker only then.
    /// </summary>
    public CachedVariant GetOrCompile(Package package, TargetId target, bool pin = false)
    {
        var clock = Stopwatch.StartNew();
        var key = VariantKey.Compute(package, target);
        if (Lookup(key, clock) is { } hit)
        {
            if (pin && !hit.Entry.Pinned)
            {
                Actions.Put(hit.Entry with { Pinned = true });
            }
            return hit;
        }
        Directory.CreateDirectory(Root);
        using (KeyLock.Acquire(Root, key, LockTimeout))
        {
            // Whoever held the lock may have just compiled it.
            if (Lookup(key, clock) is { } compiledMeanwhile)
            {
                if (pin && !compiledMeanwhile.Entry.Pinned)
                {
                    Actions.Put(compiledMeanwhile.Entry with { Pinned = true });
                }
                return compiledMeanwhile;
            }
            var lookupMs = clock.Elapsed.TotalMilliseconds;
            var output = Path.Combine(Root, "tmp", $"{AtomicFile.TempPrefix}{Environment.ProcessId}-{Guid.NewGuid():N}.so");
            var packagePath = Path.ChangeExtension(output, ".lava");
            Directory.CreateDirectory(Path.GetDirectoryName(output)!);
            try
            {
                File.WriteAllBytes(packagePath, package.Bytes);
                var entry = NewEntry(key, package, target, pin);
                CompileResult compiled;
                try
                {
                    compiled = _compile(new CompileRequest(packagePath, target, output, key));
                }
                catch (LavaException e)
                {
                    // Kept for `lava cache ls`, never served: the next request compiles again.
                    Actions.Put(entry with { Error = e.Message });
                    throw;
                }
                var bytes = File.ReadAllBytes(output);
                var blob = Blobs.Put(bytes);
                entry = entry with
                {
                    Blob = blob,
                    Size = bytes.Length,
                    CompileMs = compiled.CompileMs,
                    KernelModes = compiled.KernelModes,
                    Extension = compiled.Extension,
                };
                Actions.Put(entry);
                EnforceBound(key);
                return new CachedVariant(key, entry, Blobs.PathOf(blob), Hit: false, lookupMs);
            }
            finally
            {
                AtomicFile.TryDelete(output);
                AtomicFile.TryDelete(packagePath);
            }
        }
    }

    /// <summary>Counts and sizes.</summary>
    public CacheStats Stats()
    {
        var (entries, _) = Actions.All();
        var blobs = Blobs.All().ToArray();
        return new CacheStats(Root,
            entries.Count(e => e.Blob is not null), entries.Count(e => e.Blob is null), entries.Count(e => e.Pinned),
            blobs.Length, blobs.Sum(b => b.Size), MaxBytes,
            entries.Where(e => e.Blob is not null).GroupBy(e => e.Target).OrderBy(g => g.Key, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Count()));
    }

    /// <summary>Every entry (newest use first).</summary>
    public IReadOnlyList<CacheEntry> List() => Actions.All().Entries.OrderByDescending(e => e.LastUsed).ToArray();

    /// <summary>Hashes every blob and reads every entry; damaged blobs are quarantined.</summary>
    public VerifyReport Verify()
    {
        var problems = new List<string>();
        var blobs = Blobs.All().ToArray();
        foreach (var (digest, _, _) in blobs)
        {
            if (!Blobs.IsIntact(digest, out _))
            {
                problems.Add($"blob {digest} is damaged (its bytes do not match its digest); quarantined, its variants will be rebuilt");
                Blobs.Quarantine(digest);
            }
        }
        var (entries, damaged) = Actions.All();
        problems.AddRange(damaged.Select(d => $"entry {d} is unreadable; it will be rebuilt"));
        var present = Blobs.All().Select(b => b.Digest).ToHashSet(StringComparer.Ordinal);
        foreach (var entry in entries.Where(e => e.Blob is not null && !present.Contains(e.Blob)))
        {
            problems.Add($"entry {entry.Key[..19]}… ({entry.Target}, {entry.Package}) refers to missing blob {entry.Blob}; it will be rebuilt");
        }
        return new VerifyReport(blobs.Length, entries.Count + damaged.Count, problems);
    }

    /// <summary>Evicts least-recently-used variants (pinned ones last) until blobs fit in <paramref name="maxBytes"/>; removes orphans and stray temporaries.</summary>
    public GcReport Gc(long maxBytes) => Gc(maxBytes, protectedKey: null);

    private GcReport Gc(long maxBytes, string? protectedKey)
    {
        var (entries, damaged) = Actions.All();
        foreach (var path in damaged)
        {
            AtomicFile.TryDelete(path);
        }
        foreach (var stray in StrayTemporaries(TimeSpan.FromHours(1)))
        {
            AtomicFile.TryDelete(stray);
        }
        var blobs = Blobs.All().ToDictionary(b => b.Digest, b => b, StringComparer.Ordinal);
        var referenced = entries.Where(e => e.Blob is not null).GroupBy(e => e.Blob!).ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);
        int blobsRemoved = 0, entriesRemoved = 0;
        long freed = 0;
        // Orphans: blobs no entry refers to (a writer killed between blob and entry). Young ones
        // may belong to a compile in progress.
        foreach (var (digest, blob) in blobs.Where(b => !referenced.ContainsKey(b.Key) && DateTime.UtcNow - b.Value.Modified > TimeSpan.FromMinutes(10)).ToArray())
        {
            Blobs.Delete(digest);
            blobs.Remove(digest);
            freed += blob.Size;
            blobsRemoved++;
        }
        var total = blobs.Values.Sum(b => b.Size);
        foreach (var entry in entries.Where(e => e.Key != protectedKey).OrderBy(e => e.Pinned).ThenBy(e => e.LastUsed))
        {
            if (total <= maxBytes)
            {
                break;
            }
            Actions.Delete(entry.Key);
            entriesRemoved++;
            if (entry.Blob is not null && --referenced[entry.Blob] == 0 && blobs.Remove(entry.Blob, out var blob))
            {
                Blobs.Delete(entry.Blob);
                total -= blob.Size;
                freed += blob.Size;
                blobsRemoved++;
            }
        }
        return new GcReport(entriesRemoved, blobsRemoved, freed, total);
    }

    /// <summary>Parses sizes such as <c>500M</c>, <c>2G</c>, <c>1048576</c>.</summary>
    public static long ParseSize(string text)
    {
        var t = text.Trim().ToUpperInvariant().TrimEnd('B').TrimEnd('I');
        long multiplier = 1;
        if (t.Length > 0 && "KMGT".Contains(t[^1], StringComparison.Ordinal))
        {
            multiplier = 1L << (10 * ("KMGT".IndexOf(t[^1], StringComparison.Ordinal) + 1));
            t = t[..^1];
        }
        return double.TryParse(t, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) && value >= 0
            ? (long)(value * multiplier)
            : throw new LavaException($"'{text}' is not a size (e.g. 500M, 2G)");
    }

    // Temporary files of killed writers anywhere in the cache (blobs, entries, compile outputs).
    private IEnumerable<string> StrayTemporaries(TimeSpan olderThan) =>
        Directory.Exists(Root)
            ? Directory.EnumerateFiles(Root, AtomicFile.TempPrefix + "*", SearchOption.AllDirectories).Where(f => DateTime.UtcNow - File.GetLastWriteTimeUtc(f) > olderThan)
            : [];

    private CachedVariant? Lookup(string key, Stopwatch clock)
    {
        var entry = Actions.Get(key);
        if (entry?.Blob is null || !Digest.IsDigest(entry.Blob))
        {
            return null; // no artifact, or an entry damaged into nonsense: a miss
        }
        if (Blobs.Read(entry.Blob) is null)
        {
            return null; // damaged or missing: a miss, rebuilt by the caller
        }
        Actions.Touch(key);
        return new CachedVariant(key, entry, Blobs.PathOf(entry.Blob), Hit: true, clock.Elapsed.TotalMilliseconds);
    }

    private CacheEntry NewEntry(string key, Package package, TargetId target, bool pin) => new()
    {
        Key = key,
        Target = target.ToString(),
        Package = package.Manifest.Name,
        PackageDigest = package.Digest,
        IrDigest = package.Manifest.IrDigest,
        Toolchain = BackendRegistry.For(target).Fingerprint(target),
        BuiltBy = $"{Environment.UserName}@{Environment.MachineName}",
        Created = DateTimeOffset.UtcNow,
        Pinned = pin,
    };

    // The variant just compiled is about to be used: it is never the one evicted.
    private void EnforceBound(string justCompiled)
    {
        var total = Blobs.All().Sum(b => b.Size);
        if (total > MaxBytes)
        {
            Gc(MaxBytes * 9 / 10, justCompiled);
        }
    }
}
