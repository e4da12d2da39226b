using System.Text.Json.Serialization;

namespace LavaAccel.Cache;

/// <summary>One action-cache record: a variant key and what compiling it produced (or why it failed).</summary>
public sealed record CacheEntry
{
    /// <summary>The variant key.</summary>
    public required string Key { get; init; }

    /// <summary>Digest of the artifact blob; null for a failed compile.</summary>
    public string? Blob { get; init; }

    /// <summary>Target id.</summary>
    public required string Target { get; init; }

    /// <summary>Package name and digest it was compiled from (provenance).</summary>
    public required string Package { get; init; }

    /// <summary>Digest of the package.</summary>
    public required string PackageDigest { get; init; }

    /// <summary>Digest of the IR.</summary>
    public required string IrDigest { get; init; }

    /// <summary>Artifact file extension.</summary>
    public string Extension { get; init; } = ".so";

    /// <summary>Artifact size in bytes.</summary>
    public long Size { get; init; }

    /// <summary>Compile time inside the worker.</summary>
    public double CompileMs { get; init; }

    /// <summary>Backend fingerprint: toolchain and runtime versions.</summary>
    public string Toolchain { get; init; } = "";

    /// <summary>How each kernel runs.</summary>
    public IReadOnlyDictionary<string, string> KernelModes { get; init; } = new Dictionary<string, string>();

    /// <summary>Who built it (user@host): only the node that compiled a variant publishes it.</summary>
    public string BuiltBy { get; init; } = "";

    /// <summary>When it was created.</summary>
    public DateTimeOffset Created { get; init; }

    /// <summary>Precompiled on purpose (<c>lava compile</c>): evicted last.</summary>
    public bool Pinned { get; init; }

    /// <summary>The compile error, for a failed compile (kept for <c>lava cache ls</c>; never served as a hit).</summary>
    public string? Error { get; init; }

    /// <summary>Last use, from the entry file's modification time (not serialised).</summary>
    [JsonIgnore]
    public DateTimeOffset LastUsed { get; init; }
}
