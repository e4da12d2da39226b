using Grpc.Core;
using LavaAccel.Api.V1;
using LavaAccel.Service.Security;
using LavaAccel.Service.Storage;

namespace LavaAccel.Service.Api;

/// <summary><c>lava.v1.PackageService</c>: streamed uploads (size-limited, checked, de-duplicated by digest).</summary>
public sealed class PackageApi(PackageStore packages, ServiceOptions options, ServiceMetrics metrics) : PackageService.PackageServiceBase
{
    // Each upload is held in memory up to the size limit: at most this many at once.
    private static readonly SemaphoreSlim Uploads = new(8);
    private static readonly TimeSpan StallLimit = TimeSpan.FromSeconds(30);

    public override async Task<PackageInfo> UploadPackage(IAsyncStreamReader<PackageChunk> requestStream, ServerCallContext context)
    {
        var user = TokenAuthInterceptor.Caller(context);
        if (!await Uploads.WaitAsync(TimeSpan.FromSeconds(30), context.CancellationToken).ConfigureAwait(false))
        {
            throw new RpcException(new Status(StatusCode.ResourceExhausted, "too many uploads in progress; try again"));
        }
        try
        {
            return await ReceiveAsync(requestStream, context, user).ConfigureAwait(false);
        }
        finally
        {
            Uploads.Release();
        }
    }

    private async Task<PackageInfo> ReceiveAsync(IAsyncStreamReader<PackageChunk> requestStream, ServerCallContext context, Storage.UserAccount user)
    {
        using var buffer = new MemoryStream();
        var expected = "";
        // An upload that stalls gives its place back: at most 30 s between chunks.
        using var stall = CancellationTokenSource.CreateLinkedTokenSource(context.CancellationToken);
        stall.CancelAfter(StallLimit);
        await using var chunks = requestStream.ReadAllAsync(stall.Token).ConfigureAwait(false).GetAsyncEnumerator();
        while (true)
        {
            try
            {
                if (!await chunks.MoveNextAsync())
                {
                    break;
                }
            }
            catch (OperationCanceledException) when (!context.CancellationToken.IsCancellationRequested)
            {
                throw new RpcException(new Status(StatusCode.DeadlineExceeded, $"the upload sent nothing for {StallLimit.TotalSeconds:0} s"));
            }
            stall.CancelAfter(StallLimit);
            var chunk = chunks.Current;
            if (expected.Length == 0 && chunk.Digest.Length > 0)
            {
                expected = chunk.Digest;
            }
            if (buffer.Length + chunk.Data.Length > options.MaxUploadBytes)
            {
                throw new RpcException(new Status(StatusCode.ResourceExhausted, $"package larger than the upload limit of {options.MaxUploadBytes} bytes"));
            }
            chunk.Data.WriteTo(buffer);
        }
        metrics.Uploaded(buffer.Length);
        var bytes = buffer.ToArray();
        var digest = Digest.Of(bytes).ToString();
        if (expected.Length > 0 && expected != digest)
        {
            throw RpcErrors.Invalid($"the upload's digest is {digest}, not {expected} (corrupted in transit?)");
        }
        var (package, deduplicated) = packages.Store(bytes, user.Name);
        return Describe(package, buffer.Length, deduplicated);
    }

    public override Task<PackageInfo> GetPackage(GetPackageRequest request, ServerCallContext context)
    {
        var user = TokenAuthInterceptor.Caller(context);
        if (!packages.Visible(request.Digest, user.Name))
        {
            throw RpcErrors.NotFound($"no package {request.Digest} (upload it first)", "package", request.Digest);
        }
        var package = packages.Load(request.Digest);
        return Task.FromResult(Describe(package, package.Bytes.Length, deduplicated: true));
    }

    private static PackageInfo Describe(Package package, long size, bool deduplicated)
    {
        var info = new PackageInfo { Digest = package.Digest, Name = package.Manifest.Name, Version = package.Manifest.Version, SizeBytes = size, Deduplicated = deduplicated };
        info.Kernels.AddRange(package.Manifest.Kernels.Select(k => new KernelInfo { Name = k.Name, Signature = k.ToString() }));
        return info;
    }
}
