using LavaAccel.Host;
using System.Security.Cryptography;

namespace LavaAccel.Cache;

/// <summary>
/// Content-addressed blobs: <c>blobs/ab/abcdef…</c> named by their sha256. Every read is verified;
/// a blob whose bytes no longer match its name is moved to <c>quarantine/</c> and reads as missing.
/// </summary>
public sealed class ContentStore
{
    private readonly string _root;
    private readonly string _quarantine;

    /// <summary>Opens (creating lazily) the store under <paramref name="cacheRoot"/>.</summary>
    public ContentStore(string cacheRoot)
    {
        _root = Path.Combine(cacheRoot, "blobs");
        _quarantine = Path.Combine(cacheRoot, "quarantine");
    }

    /// <summary>Where a blob lives.</summary>
    public string PathOf(string digest)
    {
        var hex = Hex(digest);
        return Path.Combine(_root, hex[..2], hex);
    }

    /// <summary>Stores bytes; returns their digest. Storing what is already there is a no-op.</summary>
    public string Put(ReadOnlySpan<byte> content)
    {
        var digest = Digest.Of(content).ToString();
        var path = PathOf(digest);
        // A blob already stored under this name is reused only if it is intact; a damaged one is
        // replaced by the good bytes in hand.
        if (!IsIntact(digest, out _))
        {
            AtomicFile.Write(path, content);
        }
        return digest;
    }

    /// <summary>Reads and verifies a blob; null when it is missing or damaged (then quarantined).</summary>
    public byte[]? Read(string digest)
    {
        var path = PathOf(digest);
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(path);
        }
        catch (FileNotFoundException)
        {
            return null;
        }
        catch (DirectoryNotFoundException)
        {
            return null;
        }
        if (Digest.Of(bytes).ToString() == digest)
        {
            return bytes;
        }
        Quarantine(digest);
        return null;
    }

    /// <summary>Checks a blob without keeping its bytes.</summary>
    public bool IsIntact(string digest, out long size)
    {
        var path = PathOf(digest);
        size = 0;
        if (!File.Exists(path))
        {
            return false;
        }
        using var stream = File.OpenRead(path);
        size = stream.Length;
        return Digest.Of(stream).ToString() == digest;
    }

    /// <summary>Moves a damaged blob aside, for inspection.</summary>
    public void Quarantine(string digest)
    {
        var path = PathOf(digest);
        try
        {
            Directory.CreateDirectory(_quarantine);
            File.Move(path, Path.Combine(_quarantine, $"{Hex(digest)}-{DateTime.UtcNow:yyyyMMddHHmmss}"), overwrite: true);
        }
        catch (IOException)
        {
            AtomicFile.TryDelete(path);
        }
    }

    /// <summary>Deletes a blob.</summary>
    public void Delete(string digest) => AtomicFile.TryDelete(PathOf(digest));

    /// <summary>Every blob: digest, size, modification time.</summary>
    public IEnumerable<(string Digest, long Size, DateTime Modified)> All()
    {
        if (!Directory.Exists(_root))
        {
            yield break;
        }
        foreach (var file in Directory.EnumerateFiles(_root, "*", SearchOption.AllDirectories))
        {
            var name = Path.GetFileName(file);
            if (name.StartsWith(AtomicFile.TempPrefix, StringComparison.Ordinal))
            {
                continue;
            }
            var info = new FileInfo(file);
            if (Digest.TryFromHex(name, out var digest))
            {
                yield return (digest.ToString(), info.Length, info.LastWriteTimeUtc);
            }
        }
    }

    private static string Hex(string digest) => Digest.Parse(digest, "a sha256 digest").Hex;
}
