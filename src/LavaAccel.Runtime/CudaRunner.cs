using LavaAccel.Cuda;
using LavaAccel.Sandbox;

namespace LavaAccel.Runtime;

/// <summary>
/// Runs an <c>nvptx/sm_XX</c> variant (PTX) on the first CUDA GPU through the driver API, in lava's
/// process. Written without a GPU to test on (none was lent to the session that wrote it): the
/// kernel suite on nvptx targets runs in the tests wherever a GPU is present.
/// </summary>
public static class CudaRunner
{
    private static readonly Lock Gate = new();
    private static CudaDevice? _device;

    /// <summary>Runs the request; a load or launch failure is one error line.</summary>
    public static RunOutcome Run(RunRequest request)
    {
        var ptx = File.ReadAllText(request.VariantPath);
        using var measure = new InProcessUsage();
        lock (Gate)
        {
            _device ??= CudaDevice.Open(out var why) ?? throw new LavaException($"cannot run {request.Target} here: {why}");
            using var module = new CudaModule(_device, ptx);
            var (times, outputs) = module.Run(request.Kernel.Name, [.. request.Arguments.Select(DeviceArguments.From)], request.Range.Global, request.Range.Local!, Math.Max(1, request.Repeat));
            var usage = measure.Finish("cuda");
            return new RunOutcome(times, outputs, usage.WallMs, "", SandboxKind.None, 0, 0, usage);
        }
    }
}
