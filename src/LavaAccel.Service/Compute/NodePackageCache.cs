using System.Collections.Concurrent;
using Grpc.Core;
using LavaAccel.Api.V1;
using LavaAccel.Service.Storage;

namespace LavaAccel.Service.Compute;

/// <summary>A compute node's copies of packages, fetched from the controller by digest on first use and checked.</summary>
public sealed class NodePackageCache(string directory) : IPackageSource
{
    private readonly string _directory = LavaAccel.Host.PrivateFiles.Directory(directory);
    private readonly ConcurrentDictionary<string, Package> _loaded = new(StringComparer.Ordinal);

    /// <summary>Fetches the package unless it is here already.</summary>
    public async Task EnsureAsync(string digest, NodeService.NodeServiceClient controller, CancellationToken cancellation)
    {
        var path = PathOf(digest);
        if (File.Exists(path))
        {
            return;
        }
        using var buffer = new MemoryStream();
        using (var call = controller.FetchPackage(new GetPackageRequest { Digest = digest }, cancellationToken: cancellation))
        {
            await foreach (var chunk in call.ResponseStream.ReadAllAsync(cancellation).ConfigureAwait(false))
            {
                chunk.Data.WriteTo(buffer);
            }
        }
        var package = Package.Parse(buffer.ToArray(), digest);
        if (package.Digest != digest)
        {
            throw new LavaException($"the controller sent a package with digest {package.Digest} for {digest}");
        }
        package.Save(path);
    }

    /// <inheritdoc />
    public Package Load(string digest) => _loaded.GetOrAdd(digest, d => Package.Load(PathOf(d)));

    /// <inheritdoc />
    public string PathOf(string digest) =>
        Digest.TryParse(digest, out var parsed)
            ? Path.Combine(_directory, parsed.Hex + ".lava")
            : throw new LavaException($"'{digest}' is not a package digest");
}
