namespace LavaAccel.Sandbox;

/// <summary>Reads a worker's stream to its end, keeping at most a given number of characters: a kernel that floods its output must not flood lava's memory.</summary>
public static class BoundedText
{
    /// <summary>The first <paramref name="limit"/> characters of <paramref name="reader"/>, draining the rest.</summary>
    public static async Task<string> ReadAsync(StreamReader reader, int limit, CancellationToken cancellation = default)
    {
        var kept = new System.Text.StringBuilder();
        var buffer = new char[8192];
        var dropped = 0L;
        int read;
        while ((read = await reader.ReadAsync(buffer.AsMemory(), cancellation).ConfigureAwait(false)) > 0)
        {
            var room = Math.Max(0, limit - kept.Length);
            kept.Append(buffer, 0, Math.Min(room, read));
            dropped += Math.Max(0, read - room);
        }
        if (dropped > 0)
        {
            kept.Append(System.Globalization.CultureInfo.InvariantCulture, $"\n[… {dropped} more characters not kept]\n");
        }
        return kept.ToString();
    }
}
