using System.Diagnostics;
using LavaAccel.Host;

namespace LavaAccel.Tests.Sandbox;

/// <summary>
/// Files lava is pointed at or that a sandbox wrote: regular files only, no links followed where
/// that matters, no FIFO hangs, no endless devices, exactly or at most the size allowed.
/// </summary>
public sealed class RegularFileTests : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("lava-results-");

    public void Dispose() => _dir.Delete(recursive: true);

    private string PathOf(string name) => Path.Combine(_dir.FullName, name);

    private string Fifo(string name)
    {
        var fifo = PathOf(name);
        using var mkfifo = Process.Start("mkfifo", fifo)!;
        mkfifo.WaitForExit();
        return fifo;
    }

    [Fact]
    public void Result_files_come_back_exactly_and_tricks_are_refused()
    {
        var plain = PathOf("plain.bin");
        File.WriteAllBytes(plain, [1, 2, 3, 4, 5]);
        Assert.Equal([1, 2, 3, 4], RegularFiles.ReadExactly(plain, 4, "result"));
        Assert.Contains("shorter", Assert.Throws<LavaException>(() => RegularFiles.ReadExactly(plain, 8, "result")).Message);

        var secret = PathOf("secret.txt");
        File.WriteAllText(secret, "do not leak");
        var link = PathOf("link.bin");
        File.CreateSymbolicLink(link, secret);
        Assert.Contains("symbolic link", Assert.Throws<LavaException>(() => RegularFiles.ReadExactly(link, 4, "result")).Message);

        var clock = Stopwatch.StartNew();
        Assert.Contains("not a regular file", Assert.Throws<LavaException>(() => RegularFiles.ReadExactly(Fifo("fifo.bin"), 4, "result")).Message);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5));
    }

    [Fact]
    public void Inputs_must_be_regular_files_within_their_bound()
    {
        Assert.Contains("not a regular file", Assert.Throws<LavaException>(() => RegularFiles.Read("/dev/zero", 1 << 20, "buffer file")).Message);
        Assert.Contains("not a regular file", Assert.Throws<LavaException>(() => RegularFiles.Read(Fifo("in.fifo"), 1 << 20, "buffer file")).Message);
        var big = PathOf("big.bin");
        File.WriteAllBytes(big, new byte[100]);
        Assert.Contains("more than the 64", Assert.Throws<LavaException>(() => RegularFiles.Read(big, 64, "buffer file")).Message);
        Assert.Equal(100, RegularFiles.Read(big, 100, "buffer file").Length);
    }

    [Fact]
    public void Outputs_never_follow_links_or_write_devices()
    {
        var victim = PathOf("victim.txt");
        File.WriteAllText(victim, "keep me");
        var link = PathOf("out.npy");
        File.CreateSymbolicLink(link, victim);
        Assert.Contains("symbolic link", Assert.Throws<LavaException>(() => RegularFiles.Write(link, [1, 2, 3], "output file")).Message);
        Assert.Equal("keep me", File.ReadAllText(victim));
        Assert.Contains("not a regular file", Assert.Throws<LavaException>(() => RegularFiles.Write(Fifo("out.fifo"), [1], "output file")).Message);

        var existing = PathOf("existing.bin");
        File.WriteAllBytes(existing, new byte[64]);
        RegularFiles.Write(existing, [9, 8], "output file");
        Assert.Equal([9, 8], File.ReadAllBytes(existing));
    }
}
