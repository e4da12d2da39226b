using System.Diagnostics;
using LavaAccel.Sandbox;

namespace LavaAccel.Tests.Sandbox;

/// <summary>Reading back files a sandboxed worker wrote: no links followed, no FIFO hangs, exactly the declared size.</summary>
public sealed class ResultFileTests : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("lava-results-");

    public void Dispose() => _dir.Delete(recursive: true);

    [Fact]
    public void Plain_files_come_back_exactly_and_tricks_are_refused()
    {
        var plain = Path.Combine(_dir.FullName, "plain.bin");
        File.WriteAllBytes(plain, [1, 2, 3, 4, 5]);
        Assert.Equal([1, 2, 3, 4], UnixFiles.ReadWrittenFile(plain, 4));
        Assert.Contains("shorter", Assert.Throws<LavaException>(() => UnixFiles.ReadWrittenFile(plain, 8)).Message);

        var secret = Path.Combine(_dir.FullName, "secret.txt");
        File.WriteAllText(secret, "do not leak");
        var link = Path.Combine(_dir.FullName, "link.bin");
        File.CreateSymbolicLink(link, secret);
        Assert.Contains("symbolic link", Assert.Throws<LavaException>(() => UnixFiles.ReadWrittenFile(link, 4)).Message);

        var fifo = Path.Combine(_dir.FullName, "fifo.bin");
        using (var mkfifo = Process.Start("mkfifo", fifo)!)
        {
            mkfifo.WaitForExit();
        }
        var clock = Stopwatch.StartNew();
        Assert.Throws<LavaException>(() => UnixFiles.ReadWrittenFile(fifo, 4));
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5));
    }
}
