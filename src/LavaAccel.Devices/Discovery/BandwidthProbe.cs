using System.Diagnostics;
using System.Numerics;
using System.Runtime.InteropServices;
using System.Globalization;

namespace LavaAccel.Devices.Discovery;

/// <summary>
/// A quick memory-bandwidth probe (copy of 64 MiB per core, all cores, best of 5), cached per boot
/// under LAVA_HOME: it costs ≈ 0.2 s once, then nothing until the machine restarts.
/// </summary>
public static class BandwidthProbe
{
    /// <summary>Measured GB/s (read + write bytes per second).</summary>
    public static double GigabytesPerSecond(string lavaHome)
    {
        var bootId = File.Exists("/proc/sys/kernel/random/boot_id") ? File.ReadAllText("/proc/sys/kernel/random/boot_id").Trim() : "unknown";
        var cache = Path.Combine(lavaHome, "devices", "bandwidth.txt");
        if (File.Exists(cache))
        {
            var parts = File.ReadAllText(cache).Split(' ');
            if (parts.Length == 2 && parts[0] == bootId && double.TryParse(parts[1], NumberStyles.Float, CultureInfo.InvariantCulture, out var cached))
            {
                return cached;
            }
        }
        var measured = Measure();
        try
        {
            Directory.CreateDirectory(Path.GetDirectoryName(cache)!);
            File.WriteAllText(cache, string.Create(CultureInfo.InvariantCulture, $"{bootId} {measured:0.###}"));
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
        return measured;
    }

    private static double Measure() => Measure(Environment.ProcessorCount, 64 << 20);

    /// <summary>
    /// Copy bandwidth (GB/s, read + write) with <paramref name="threads"/> threads, each copying
    /// <paramref name="bytesPerThread"/> bytes between its own two arrays; best of 5.
    /// </summary>
    private static double Measure(int threads, int bytesPerThread)
    {
        threads = Math.Max(1, threads);
        var sources = Enumerable.Range(0, threads).Select(_ => new byte[bytesPerThread]).ToArray();
        var targets = Enumerable.Range(0, threads).Select(_ => new byte[bytesPerThread]).ToArray();
        foreach (var s in sources)
        {
            Array.Fill(s, (byte)1); // touch every page before timing
        }
        var best = double.MaxValue;
        for (var round = 0; round < 5; round++)
        {
            var clock = Stopwatch.StartNew();
            Parallel.For(0, threads, t => Buffer.BlockCopy(sources[t], 0, targets[t], 0, bytesPerThread));
            best = Math.Min(best, clock.Elapsed.TotalSeconds);
        }
        return 2.0 * bytesPerThread * threads / best / 1e9;
    }

    /// <summary>
    /// Update bandwidth (GB/s): <paramref name="threads"/> threads each compute <c>b[i] += s·c[i]</c>
    /// over their own two <paramref name="bytesPerArray"/>-byte arrays, counting the bytes the way a
    /// kernel's GB/s counts them (inputs once, outputs read and written: three transfers), best of 5.
    /// This is saxpy's access pattern; unlike STREAM's triad it has no write-allocate traffic that
    /// the count would hide.
    /// </summary>
    public static double MeasureUpdate(int threads, int bytesPerArray)
    {
        threads = Math.Max(1, threads);
        var count = bytesPerArray / sizeof(float);
        var arrays = Enumerable.Range(0, threads).Select(_ => (B: new float[count], C: new float[count])).ToArray();
        foreach (var (b, c) in arrays)
        {
            Array.Fill(b, 1f); // touch every page before timing
            Array.Fill(c, 2f);
        }
        var best = double.MaxValue;
        for (var round = 0; round < 5; round++)
        {
            var clock = Stopwatch.StartNew();
            Parallel.For(0, threads, new ParallelOptions { MaxDegreeOfParallelism = threads }, t => Update(arrays[t].B, arrays[t].C, 1e-3f));
            best = Math.Min(best, clock.Elapsed.TotalSeconds);
        }
        return 3.0 * count * sizeof(float) * threads / best / 1e9;
    }

    private static void Update(float[] b, float[] c, float scalar)
    {
        var vb = MemoryMarshal.Cast<float, Vector<float>>(b.AsSpan());
        var vc = MemoryMarshal.Cast<float, Vector<float>>(c.AsSpan());
        var s = new Vector<float>(scalar);
        for (var i = 0; i < vb.Length; i++)
        {
            vb[i] += s * vc[i];
        }
        for (var i = vb.Length * Vector<float>.Count; i < b.Length; i++)
        {
            b[i] += scalar * c[i];
        }
    }
}
