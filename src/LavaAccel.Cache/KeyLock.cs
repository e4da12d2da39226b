namespace LavaAccel.Cache;

/// <summary>
/// An exclusive lock on one variant key, across threads and processes (an advisory lock on a
/// file in <c>locks/</c>; the OS releases it when a holder dies, even by kill -9). Two processes
/// that need the same missing variant compile it once: the second waits, then finds a hit.
/// </summary>
internal sealed class KeyLock : IDisposable
{
    private readonly FileStream _stream;

    private KeyLock(FileStream stream) => _stream = stream;

    public static KeyLock Acquire(string cacheRoot, string key, TimeSpan timeout)
    {
        var directory = Path.Combine(cacheRoot, "locks");
        Directory.CreateDirectory(directory);
        var path = Path.Combine(directory, Digest.Parse(key, "a variant key").Hex + ".lock");
        var deadline = DateTime.UtcNow + timeout;
        var wait = 5;
        while (true)
        {
            try
            {
                // FileShare.None takes an exclusive flock() on Unix.
                return new KeyLock(new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None));
            }
            catch (IOException) when (DateTime.UtcNow < deadline)
            {
                Thread.Sleep(wait);
                wait = Math.Min(wait * 2, 100);
            }
            catch (IOException e)
            {
                throw new LavaException($"timed out waiting for another process compiling variant {key[..Math.Min(key.Length, 19)]}…", e);
            }
        }
    }

    public void Dispose() => _stream.Dispose();
}
