using LavaAccel.Backends.OpenCl;
using LavaAccel.OpenCl;
using LavaAccel.Sandbox;

namespace LavaAccel.Runtime;

/// <summary>
/// Runs an <c>opencl/spir</c> variant (SPIR bitcode) on the OpenCL device that ingests it, through
/// the vendor's runtime in lava's process. Not sandboxed: the device runtime (PoCL) needs its own
/// files, compiler and cache directory, which the containers do not carry yet (docs/sandbox.md).
/// </summary>
public static class OpenClRunner
{
    private static readonly Lock Gate = new();
    private static OpenClDevice? _device;

    /// <summary>Runs the request; a build or launch failure is one error line.</summary>
    public static RunOutcome Run(RunRequest request)
    {
        if (request.Target != OpenClSpirBackend.Spir)
        {
            throw new LavaException($"{request.Target} does not run through OpenCL");
        }
        var bitcode = File.ReadAllBytes(request.VariantPath);
        using var measure = new InProcessUsage();
        lock (Gate)
        {
            _device ??= OpenClDevice.Find(Silk.NET.OpenCL.DeviceType.All, d => d.IngestsSpir, out var why)
                ?? throw new LavaException($"cannot run opencl/spir here: {why}");
            var device = _device;
            foreach (var feature in Missing(device, request))
            {
                throw new LavaException($"kernel '{request.Kernel.Name}' needs {feature}, which {device.Name} lacks");
            }
            using var program = OpenClProgram.FromSpir(device, bitcode);
            var arguments = request.Arguments.Select(DeviceArguments.From).ToArray();
            var (times, outputs) = program.Run(request.Kernel.Name, arguments, request.Range.Global, request.Range.Local!, Math.Max(1, request.Repeat), warmUp: true);
            var usage = measure.Finish("opencl");
            return new RunOutcome(times, outputs, usage.WallMs, "", SandboxKind.None, 0, 0, usage);
        }
    }

    // fp64 on a device without cl_khr_fp64 would fail inside the device compiler with a poor
    // message; say which feature is missing instead.
    private static IEnumerable<string> Missing(OpenClDevice device, RunRequest request)
    {
        var needsDoubles = request.Kernel.Arguments.Any(a => a.ElementType == ScalarType.Double);
        if (needsDoubles && !device.Extensions.Contains("cl_khr_fp64"))
        {
            yield return "fp64 (cl_khr_fp64)";
        }
    }
}
