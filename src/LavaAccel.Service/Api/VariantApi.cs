using Grpc.Core;
using LavaAccel.Api.V1;
using LavaAccel.Backends;
using LavaAccel.Cache;
using LavaAccel.Service.Security;
using LavaAccel.Service.Storage;

namespace LavaAccel.Service.Api;

/// <summary>
/// <c>lava.v1.VariantService</c>: precompile, list and fetch variants of the caller's packages in
/// the controller's cache (on a Slurm controller, precompiling is a Slurm job array; a target
/// whose task failed is compiled here, so its error is reported).
/// </summary>
public sealed class VariantApi(PackageStore packages, VariantCache cache, ServiceOptions options, Slurm.SlurmClient slurm) : VariantService.VariantServiceBase
{
    public override async Task<VariantList> Precompile(PrecompileRequest request, ServerCallContext context)
    {
        var package = Visible(request.PackageDigest, context);
        var targets = Targets(package, request.Targets);
        var list = new VariantList();
        if (options.Slurm is not null)
        {
            // On a Slurm controller the cluster compiles: one job array, a task per missing target.
            await new Slurm.SlurmCompileArray(slurm, options).CompileAsync(package, targets, cache, context.CancellationToken).ConfigureAwait(false);
        }
        // One compile worker per target, two at a time (this machine's cores), as `lava compile` does.
        var results = new Variant[targets.Count];
        await Parallel.ForEachAsync(Enumerable.Range(0, targets.Count), new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, Environment.ProcessorCount), CancellationToken = context.CancellationToken }, (i, _) =>
        {
            try
            {
                var variant = cache.GetOrCompile(package, targets[i]);
                results[i] = Describe(targets[i], variant.Key, variant.Entry);
            }
            catch (LavaException e)
            {
                results[i] = new Variant { Target = targets[i].ToString(), Key = VariantKey.Compute(package, targets[i]), Error = e.Message };
            }
            return ValueTask.CompletedTask;
        }).ConfigureAwait(false);
        list.Variants.AddRange(results);
        return list;
    }

    public override Task<VariantList> ListVariants(ListVariantsRequest request, ServerCallContext context)
    {
        var package = Visible(request.PackageDigest, context);
        var list = new VariantList();
        foreach (var target in BackendRegistry.TargetsFor(package))
        {
            var key = VariantKey.Compute(package, target);
            var entry = cache.Actions.Get(key);
            list.Variants.Add(entry?.Blob is not null ? Describe(target, key, entry) : new Variant { Target = target.ToString(), Key = key, Cached = false, Error = entry?.Error ?? "" });
        }
        return Task.FromResult(list);
    }

    public override Task FetchVariant(FetchVariantRequest request, IServerStreamWriter<VariantChunk> responseStream, ServerCallContext context)
    {
        var package = Visible(request.PackageDigest, context);
        return VariantStreaming.WriteAsync(cache, VariantKey.Compute(package, TargetId.Parse(request.Target)), responseStream, context.CancellationToken);
    }

    private Package Visible(string digest, ServerCallContext context)
    {
        var user = TokenAuthInterceptor.Caller(context);
        return packages.Visible(digest, user.Name) ? packages.Load(digest) : throw RpcErrors.NotFound($"no package {digest} (upload it first)");
    }

    private static List<TargetId> Targets(Package package, IReadOnlyCollection<string> requested)
    {
        if (requested.Count == 0 || requested.Contains("all"))
        {
            return [.. BackendRegistry.TargetsFor(package)];
        }
        var targets = requested.Select(TargetId.Parse).Distinct().ToList();
        foreach (var target in targets)
        {
            if (!BackendRegistry.For(target).Accepts(package))
            {
                throw new LavaException($"target {target} does not compile this package's kind of kernels");
            }
        }
        return targets;
    }

    private static Variant Describe(TargetId target, string key, CacheEntry entry) => new()
    {
        Target = target.ToString(),
        Key = key,
        Digest = entry.Blob ?? "",
        SizeBytes = entry.Size,
        Extension = entry.Extension,
        Cached = entry.Blob is not null,
        CompileMs = entry.CompileMs,
    };
}
