using System.Collections.Concurrent;
using LavaAccel.Api.V1;
using LavaAccel.Backends.Analysis;
using LavaAccel.Execution;
using LavaAccel.Scheduling;

namespace LavaAccel.Service.Placement;

/// <summary>
/// What a submitted job asks of a device, worked out once at submit and kept with the job: the
/// kernel's operations and bytes per work-item (from the IR, remembered per kernel), the ND-range's
/// size and the bytes of its buffers — so placing it later is arithmetic, never a package load.
/// </summary>
public static class JobDemand
{
    private static readonly ConcurrentDictionary<string, (double Flops, double Bytes)> PerItem = new(StringComparer.Ordinal);

    /// <summary>The demand of <paramref name="request"/> on <paramref name="package"/> (already validated).</summary>
    public static KernelWork Of(Package package, SubmitJobRequest request)
    {
        var kernel = package.Manifest.GetKernel(request.Kernel);
        var range = new NdRange([.. request.GlobalSize], request.Local.Count > 0 ? [.. request.Local] : null).Resolve(kernel);
        var key = LocalPlacement.KernelKey(package, kernel);
        if (PerItem.Count > 4096)
        {
            PerItem.Clear();
        }
        var (flops, bytes) = PerItem.GetOrAdd(key, _ => WorkEstimator.PerWorkItem(package, kernel.Name));
        long buffers = 0;
        foreach (var argument in request.Arguments)
        {
            var parameter = kernel.Arguments.First(a => a.Name == argument.Name);
            buffers += argument.ValueCase == JobArgument.ValueOneofCase.Npy
                ? argument.Npy.Length
                : new ArgumentSpec(argument.Name, argument.Text.Trim()).GeneratedBytes(parameter) ?? 0;
        }
        return new KernelWork(key, flops, bytes, range.TotalWorkItems, buffers, [.. package.Manifest.Features]);
    }

    /// <summary>The language of a job's code kind as the backends name it (their <c>InputLanguage</c>).</summary>
    public static string Language(bool csharp) => csharp ? "csharp" : "opencl-c";
}
