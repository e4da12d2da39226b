namespace LavaAccel.Cache;

/// <summary>A variant served by the cache.</summary>
/// <param name="Key">Its variant key.</param>
/// <param name="Entry">The action-cache entry.</param>
/// <param name="ArtifactPath">The verified artifact (a blob file: read-only, shared).</param>
/// <param name="Hit">Whether it was already cached.</param>
/// <param name="LookupMs">Time to compute the key, look it up and verify the blob.</param>
public sealed record CachedVariant(string Key, CacheEntry Entry, string ArtifactPath, bool Hit, double LookupMs);
