using LavaAccel.Host;
using System.Text.Json;

namespace LavaAccel.Cache;

/// <summary>
/// Variant key → entry, one small JSON file per key (<c>actions/ab/abcdef….json</c>), written
/// atomically. No shared index file: concurrent writers never contend, and a damaged entry affects
/// one key only (it reads as a miss and is rewritten). The file's modification time is the entry's
/// last use, for least-recently-used eviction.
/// </summary>
public sealed class ActionCache
{
    private readonly string _root;

    /// <summary>Opens (creating lazily) the action cache under <paramref name="cacheRoot"/>.</summary>
    public ActionCache(string cacheRoot) => _root = Path.Combine(cacheRoot, "actions");

    /// <summary>The entry of a key, or null (missing or unreadable; unreadable entries are removed).</summary>
    public CacheEntry? Get(string key)
    {
        var path = PathOf(key);
        try
        {
            return Parse(path);
        }
        catch (FileNotFoundException)
        {
            return null;
        }
        catch (DirectoryNotFoundException)
        {
            return null;
        }
    }

    /// <summary>Writes an entry.</summary>
    public void Put(CacheEntry entry) =>
        AtomicFile.Write(PathOf(entry.Key), JsonSerializer.SerializeToUtf8Bytes(entry, CacheJsonContext.Default.CacheEntry));

    /// <summary>Marks an entry as just used.</summary>
    public void Touch(string key)
    {
        try
        {
            File.SetLastWriteTimeUtc(PathOf(key), DateTime.UtcNow);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }

    /// <summary>Removes an entry.</summary>
    public void Delete(string key) => AtomicFile.TryDelete(PathOf(key));

    /// <summary>Every readable entry, plus the paths of unreadable ones.</summary>
    public (IReadOnlyList<CacheEntry> Entries, IReadOnlyList<string> Damaged) All()
    {
        var entries = new List<CacheEntry>();
        var damaged = new List<string>();
        if (Directory.Exists(_root))
        {
            foreach (var file in Directory.EnumerateFiles(_root, "*.json", SearchOption.AllDirectories))
            {
                var entry = TryParse(file);
                if (entry is null)
                {
                    damaged.Add(file);
                }
                else
                {
                    entries.Add(entry);
                }
            }
        }
        return (entries, damaged);
    }

    private CacheEntry? Parse(string path)
    {
        var bytes = File.ReadAllBytes(path);
        var entry = Deserialize(bytes);
        if (entry is null || !Digest.TryFromHex(Path.GetFileNameWithoutExtension(path), out var named) || named.ToString() != entry.Key)
        {
            AtomicFile.TryDelete(path);
            return null;
        }
        return entry with { LastUsed = File.GetLastWriteTimeUtc(path) };
    }

    private static CacheEntry? TryParse(string path)
    {
        try
        {
            var entry = Deserialize(File.ReadAllBytes(path));
            return entry is not null && Digest.TryFromHex(Path.GetFileNameWithoutExtension(path), out var named) && named.ToString() == entry.Key
                ? entry with { LastUsed = File.GetLastWriteTimeUtc(path) }
                : null;
        }
        catch (IOException)
        {
            return null;
        }
    }

    private static CacheEntry? Deserialize(byte[] bytes)
    {
        try
        {
            return JsonSerializer.Deserialize(bytes, CacheJsonContext.Default.CacheEntry);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private string PathOf(string key)
    {
        var hex = Digest.Parse(key, "a variant key").Hex;
        return Path.Combine(_root, hex[..2], hex + ".json");
    }
}
