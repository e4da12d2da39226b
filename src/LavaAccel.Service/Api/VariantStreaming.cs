using Google.Protobuf;
using Grpc.Core;
using LavaAccel.Api.V1;
using LavaAccel.Cache;

namespace LavaAccel.Service.Api;

/// <summary>Streams a cached variant's artifact (1 MiB chunks; the first carries its metadata).</summary>
internal static class VariantStreaming
{
    private const int ChunkBytes = 1 << 20;

    public static async Task WriteAsync(VariantCache cache, string key, IServerStreamWriter<VariantChunk> stream, CancellationToken cancellation)
    {
        var entry = cache.Actions.Get(key);
        if (entry?.Blob is not { } blob || !File.Exists(cache.Blobs.PathOf(blob)))
        {
            throw RpcErrors.NotFound($"no cached variant {key}");
        }
        var bytes = await File.ReadAllBytesAsync(cache.Blobs.PathOf(blob), cancellation).ConfigureAwait(false);
        for (var offset = 0; offset == 0 || offset < bytes.Length; offset += ChunkBytes)
        {
            var chunk = new VariantChunk { Data = ByteString.CopyFrom(bytes, offset, Math.Min(ChunkBytes, bytes.Length - offset)) };
            if (offset == 0)
            {
                chunk.Extension = entry.Extension;
                chunk.CompileMs = entry.CompileMs;
                chunk.KernelModes.Add(entry.KernelModes.ToDictionary(m => m.Key, m => m.Value));
            }
            await stream.WriteAsync(chunk, cancellation).ConfigureAwait(false);
            if (bytes.Length == 0)
            {
                break;
            }
        }
    }
}
