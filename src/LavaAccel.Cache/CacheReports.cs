namespace LavaAccel.Cache;

/// <summary>What <c>lava cache stats</c> shows.</summary>
/// <param name="Root">The cache directory.</param>
/// <param name="Entries">Entries with an artifact.</param>
/// <param name="Failures">Entries recording a failed compile.</param>
/// <param name="Pinned">Pinned entries.</param>
/// <param name="Blobs">Blob files.</param>
/// <param name="Bytes">Bytes of blobs.</param>
/// <param name="MaxBytes">The size bound.</param>
/// <param name="ByTarget">Entries per target.</param>
public sealed record CacheStats(string Root, int Entries, int Failures, int Pinned, int Blobs, long Bytes, long MaxBytes, IReadOnlyDictionary<string, int> ByTarget);

/// <summary>What <c>lava cache verify</c> found.</summary>
/// <param name="BlobsChecked">Blobs hashed.</param>
/// <param name="EntriesChecked">Entries read.</param>
/// <param name="Problems">One line per problem (damaged blob, unreadable entry, missing blob).</param>
public sealed record VerifyReport(int BlobsChecked, int EntriesChecked, IReadOnlyList<string> Problems)
{
    /// <summary>True when nothing is damaged.</summary>
    public bool Clean => Problems.Count == 0;
}

/// <summary>What <c>lava cache gc</c> removed.</summary>
/// <param name="EntriesRemoved">Entries evicted.</param>
/// <param name="BlobsRemoved">Blobs deleted.</param>
/// <param name="BytesFreed">Bytes freed.</param>
/// <param name="BytesLeft">Bytes of blobs left.</param>
public sealed record GcReport(int EntriesRemoved, int BlobsRemoved, long BytesFreed, long BytesLeft);
