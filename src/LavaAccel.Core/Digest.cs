using System.Security.Cryptography;

namespace LavaAccel;

/// <summary>
/// A content digest as lava writes it everywhere — packages, code, variants, cache keys:
/// <c>sha256:</c> and 64 lower-case hex digits. Its <see cref="Hex"/> is safe as a file name.
/// </summary>
public readonly record struct Digest
{
    private const string Prefix = "sha256:";
    private static readonly System.Buffers.SearchValues<char> LowerHex = System.Buffers.SearchValues.Create("0123456789abcdef");

    private Digest(string hex) => Hex = hex;

    /// <summary>The 64 lower-case hex digits.</summary>
    public string Hex { get; }

    /// <summary>The digest of <paramref name="bytes"/>.</summary>
    public static Digest Of(ReadOnlySpan<byte> bytes) => new(Convert.ToHexStringLower(SHA256.HashData(bytes)));

    /// <summary>The digest of what <paramref name="stream"/> holds from its position.</summary>
    public static Digest Of(Stream stream) => new(Convert.ToHexStringLower(SHA256.HashData(stream)));

    /// <summary>Parses <c>sha256:</c> + 64 lower-case hex digits; false for anything else.</summary>
    public static bool TryParse(string? text, out Digest digest)
    {
        var ok = text is { Length: 71 } && text.StartsWith(Prefix, StringComparison.Ordinal) && !text.AsSpan(Prefix.Length).ContainsAnyExcept(LowerHex);
        digest = ok ? new Digest(text![Prefix.Length..]) : default;
        return ok;
    }

    /// <summary>Whether <paramref name="text"/> is a digest (<see cref="TryParse"/>).</summary>
    public static bool IsDigest(string? text) => TryParse(text, out _);

    /// <summary>Parses a digest or throws naming <paramref name="what"/>.</summary>
    public static Digest Parse(string? text, string what) =>
        TryParse(text, out var digest) ? digest : throw new LavaException($"'{text}' is not {what} (sha256: and 64 lower-case hex digits)");

    /// <summary>The digest of some hex digits a file name holds (<c>ab12….json</c>), when they are 64 lower-case hex digits.</summary>
    public static bool TryFromHex(string hex, out Digest digest) => TryParse(Prefix + hex, out digest);

    /// <summary><c>sha256:</c> and the hex digits.</summary>
    public override string ToString() => Prefix + Hex;
}
