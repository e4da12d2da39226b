namespace LavaAccel.Host;

/// <summary>
/// Writes that are all-or-nothing: a temporary file in the same directory, flushed to disk, then
/// renamed over the destination. A kill -9 at any moment leaves either the old file, the new one,
/// or a stray temporary (cleaned by gc) — never a torn file under the real name.
/// </summary>
public static class AtomicFile
{
    /// <summary>Prefix of temporary files.</summary>
    public const string TempPrefix = ".tmp-";

    public static void Write(string path, ReadOnlySpan<byte> content)
    {
        var directory = System.IO.Path.GetDirectoryName(path)!;
        Directory.CreateDirectory(directory);
        var temp = System.IO.Path.Combine(directory, $"{TempPrefix}{Environment.ProcessId}-{Guid.NewGuid():N}");
        try
        {
            using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 4096, FileOptions.None))
            {
                stream.Write(content);
                stream.Flush(flushToDisk: true);
            }
            File.Move(temp, path, overwrite: true);
        }
        catch (IOException e)
        {
            TryDelete(temp);
            throw new LavaException($"cannot write {path}: {e.Message}", e);
        }
        catch (UnauthorizedAccessException e)
        {
            TryDelete(temp);
            throw new LavaException($"cannot write {path}: permission denied (is LAVA_HOME writable?)", e);
        }
    }

    public static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
