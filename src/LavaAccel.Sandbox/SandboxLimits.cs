namespace LavaAccel.Sandbox;

/// <summary>Resource limits of one job.</summary>
/// <param name="MemoryBytes">Memory limit (cgroup memory for oci; a data-size limit otherwise), or null.</param>
/// <param name="Time">Wall-clock limit, or null.</param>
/// <param name="Cpus">CPU quota in cores (oci), or null.</param>
/// <param name="Pids">Process and thread limit (oci).</param>
public sealed record SandboxLimits(long? MemoryBytes = null, TimeSpan? Time = null, double? Cpus = null, int Pids = 512)
{
    /// <summary>No limits beyond the pids default.</summary>
    public static SandboxLimits None { get; } = new();

    /// <summary>The part of the limits a container is created with (the time limit is per job).</summary>
    internal SandboxLimits ContainerPart => this with { Time = null };

    /// <summary>Parses sizes such as <c>512M</c>, <c>2G</c>, <c>65536</c>, <c>1.5GiB</c>.</summary>
    public static long ParseSize(string text)
    {
        var t = text.Trim();
        var split = 0;
        while (split < t.Length && (char.IsAsciiDigit(t[split]) || t[split] == '.'))
        {
            split++;
        }
        if (split == 0 || !double.TryParse(t[..split], System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var number))
        {
            throw new LavaException($"'{text}' is not a size (e.g. 512M, 2G)");
        }
        var unit = t[split..].Trim().ToUpperInvariant().TrimEnd('B').TrimEnd('I');
        double scale = unit switch
        {
            "" => 1,
            "K" => 1L << 10,
            "M" => 1L << 20,
            "G" => 1L << 30,
            "T" => 1L << 40,
            _ => throw new LavaException($"'{text}': unknown size unit (use K, M, G or T)"),
        };
        var bytes = number * scale;
        if (!(bytes >= 1 && bytes <= 1L << 50))
        {
            throw new LavaException($"'{text}': a size must be positive and at most 1P");
        }
        return (long)bytes;
    }
}
