using System.Text.Json;
using LavaAccel.Cache;

namespace LavaAccel.Tests;

/// <summary>A throw-away LAVA_HOME (never the real <c>~/.lava</c>) and paths into its cache.</summary>
public sealed class TempLavaHome : IDisposable
{
    private readonly DirectoryInfo _root = Directory.CreateTempSubdirectory("lava-home-");

    /// <summary>The LAVA_HOME directory.</summary>
    public string Path => _root.FullName;

    /// <summary>The cache directory under it.</summary>
    public string CacheRoot => System.IO.Path.Combine(Path, "cache");

    /// <summary>The entry file of a variant key.</summary>
    public string EntryPath(string key)
    {
        var hex = key.StartsWith("sha256:", StringComparison.Ordinal) ? key[7..] : key;
        return System.IO.Path.Combine(CacheRoot, "actions", hex[..2], hex + ".json");
    }

    /// <summary>Files in the cache whose name is a real blob or entry name (not a temporary) that are not intact: empty when all is well.</summary>
    public IReadOnlyList<string> DamagedFiles()
    {
        var damaged = new List<string>();
        var blobs = System.IO.Path.Combine(CacheRoot, "blobs");
        if (Directory.Exists(blobs))
        {
            foreach (var file in Directory.EnumerateFiles(blobs, "*", SearchOption.AllDirectories))
            {
                var name = System.IO.Path.GetFileName(file);
                if (name.StartsWith(".tmp-", StringComparison.Ordinal))
                {
                    continue;
                }
                if (LavaCli.Sha256Of(file) != "sha256:" + name || System.IO.Path.GetFileName(System.IO.Path.GetDirectoryName(file)) != name[..2])
                {
                    damaged.Add($"blob {file} does not match its name");
                }
            }
        }
        var actions = System.IO.Path.Combine(CacheRoot, "actions");
        if (Directory.Exists(actions))
        {
            foreach (var file in Directory.EnumerateFiles(actions, "*", SearchOption.AllDirectories))
            {
                var name = System.IO.Path.GetFileName(file);
                if (name.StartsWith(".tmp-", StringComparison.Ordinal))
                {
                    continue;
                }
                try
                {
                    using var json = JsonDocument.Parse(File.ReadAllBytes(file));
                    if (json.RootElement.GetProperty("key").GetString() != "sha256:" + System.IO.Path.GetFileNameWithoutExtension(file))
                    {
                        damaged.Add($"entry {file} names another key");
                    }
                }
                catch (JsonException e)
                {
                    damaged.Add($"entry {file} is not JSON: {e.Message}");
                }
            }
        }
        var cache = new VariantCache(Path);
        foreach (var entry in cache.List())
        {
            if (entry.Blob is null ? entry.Error is null : !cache.Blobs.IsIntact(entry.Blob, out _))
            {
                damaged.Add($"entry {entry.Key} ({entry.Target}) points at blob {entry.Blob ?? "(none)"}, which is missing or damaged");
            }
        }
        return damaged;
    }

    /// <summary>Deletes the directory.</summary>
    public void Dispose()
    {
        try
        {
            _root.Delete(recursive: true);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
