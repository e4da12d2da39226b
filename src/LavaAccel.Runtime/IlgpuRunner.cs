using LavaAccel.Backends.Ilgpu;
using LavaAccel.Ilgpu;
using LavaAccel.Sandbox;

namespace LavaAccel.Runtime;

/// <summary>
/// Runs <c>ilgpu/*</c> variants on ILGPU's accelerators in lava's process: <c>ilgpu/cpu</c> loads
/// the kernels' assembly (the variant) on the CPU accelerator with bounds-checked views; the PTX
/// and OpenCL targets run the package's assembly through ILGPU's CUDA or OpenCL accelerator, which
/// regenerate the same code (ILGPU cannot load precompiled PTX through its public API). Not
/// sandboxed: the reference policy and ILGPU's compiler are what keep a kernel in its lane
/// (docs/ilgpu-backend.md).
/// </summary>
public static class IlgpuRunner
{
    private static readonly Lock Gate = new();

    /// <summary>Runs the request; a compile, launch or time-limit failure is one error line.</summary>
    public static RunOutcome Run(RunRequest request, byte[]? packageIl = null)
    {
        var device = request.Target == IlgpuBackend.Cpu ? IlgpuDevice.Cpu
            : request.Target == IlgpuBackend.OpenCl ? IlgpuDevice.OpenCl
            : IlgpuBackend.SmOf(request.Target) is not null ? IlgpuDevice.Cuda
            : throw new LavaException($"{request.Target} does not run through ILGPU");
        var il = device == IlgpuDevice.Cpu ? File.ReadAllBytes(request.VariantPath)
            : packageIl ?? throw new LavaException($"{request.Target} runs from the package's assembly; none was given");
        using var measure = new InProcessUsage();
        lock (Gate)
        {
            using var assembly = IlgpuAssembly.Load(il, $"variant of {request.Kernel.Name}");
            var arguments = request.Arguments.Select(DeviceArguments.From).ToArray();
            var (times, outputs) = IlgpuLauncher.Run(assembly, request.Kernel.Name, arguments, request.Range.Global, request.Range.Local,
                Math.Max(1, request.Repeat), device, request.TimeLimit);
            var usage = measure.Finish("ilgpu");
            return new RunOutcome(times, outputs, usage.WallMs, "", SandboxKind.None, 0, 0, usage);
        }
    }
}
