using LavaAccel.Host;
using LavaAccel.Backends;
using LavaAccel.Backends.Ilgpu;
using LavaAccel.Ilgpu;
using LavaAccel.Sandbox;

namespace LavaAccel.Execution.Runners;

/// <summary>
/// <c>ilgpu/*</c>: C# kernels run by <c>lava-ilgpu-worker</c> in the job's sandbox, like every other
/// family. ILGPU's CPU accelerator runs the kernel's own IL (its views can be overflowed), ends its
/// process on an out-of-bounds view and cannot stop its threads — so the sandbox, the time limit
/// and cancellation are what hold it, as for native code. <c>ilgpu/cpu</c> loads the variant (the
/// kernels' assembly); the PTX and OpenCL targets run the package's assembly through ILGPU's CUDA
/// or OpenCL accelerator, which regenerate the same code (ILGPU's public API cannot load
/// precompiled PTX).
/// </summary>
public sealed class IlgpuWorkerRunner : ITargetRunner
{
    private const string WorkerName = "lava-ilgpu-worker";

    /// <inheritdoc />
    public bool Runs(TargetId target) => target.Backend == "ilgpu";

    /// <inheritdoc />
    public bool FeedsHistory(TargetId target) => target == IlgpuBackend.Cpu;

    /// <inheritdoc />
    public string Execution(TargetId target) => Device(target) == IlgpuDevice.Cpu ? "native" : "device";

    /// <inheritdoc />
    /// <remarks>The .NET worker's start and ILGPU's context: ≈ 0.4 s here.</remarks>
    public double StartupSeconds(TargetId target) => 0.4;

    /// <inheritdoc />
    public string? WhyNotUncontained(TargetId target) => $"{target} runs the .NET worker, which has no system-call filter of its own";

    /// <inheritdoc />
    public WorkerImage Image(RunRequest request)
    {
        var device = Device(request.Target);
        var image = WorkerImages.Managed($"ilgpu-{device.ToString().ToLowerInvariant()}", WorkerExecutable.StartInfo(WorkerName), request.MemoryLimit, gpu: device == IlgpuDevice.Cuda);
        // ILGPU's OpenCL accelerator drives the device runtime (PoCL compiles and links in the worker).
        return device == IlgpuDevice.OpenCl
            ? image with { ReadOnlyPaths = [.. image.ReadOnlyPaths, .. Directory.Exists("/etc/OpenCL/vendors") ? ["/etc/OpenCL/vendors"] : Array.Empty<string>()], Syscalls = LavaAccel.Sandbox.Seccomp.SyscallProfile.DeviceRuntime }
            : image;
    }

    /// <inheritdoc />
    public string VariantFile(RunRequest request, string scratch)
    {
        if (Device(request.Target) == IlgpuDevice.Cpu)
        {
            return request.VariantPath;
        }
        var assembly = Path.Combine(scratch, "kernels.dll");
        File.WriteAllBytes(assembly, request.PackageCode ?? throw new LavaException($"{request.Target} runs from the package's assembly; none was given"));
        return assembly;
    }

    /// <inheritdoc />
    public string WriteJob(RunRequest request, WorkerSlot slot)
    {
        var arguments = request.Arguments.Select(DeviceArguments.From).ToArray();
        var job = new IlgpuJob(request.Kernel.Name, Device(request.Target), request.Range.Global, request.Range.Local, Math.Max(1, request.Repeat), arguments, request.Warmup);
        job.Write(slot.HostJobDirectory);
        return slot.JobDirectoryInside + "/" + IlgpuJob.FileName;
    }

    /// <summary>
    /// ILGPU's CPU accelerator fails a kernel's assertions (bounds checks on views) with
    /// "Process terminated. Assertion Failed" and the assertion's message on the next line.
    /// </summary>
    public string? Explain(RunRequest request, SandboxRun run)
    {
        if (run.Exit != ExitReason.Crashed && run.Exit != ExitReason.Killed)
        {
            return null;
        }
        var lines = run.KernelOutput.Split('\n', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        var failed = Array.FindIndex(lines, l => l.Contains("Assertion Failed", StringComparison.Ordinal));
        if (failed < 0)
        {
            return null;
        }
        var what = lines.Skip(failed + 1).FirstOrDefault(l => !l.StartsWith("at ", StringComparison.Ordinal)) ?? "assertion failed";
        var kernel = $"kernel '{request.Kernel.Name}'";
        return what.Contains("out of range", StringComparison.OrdinalIgnoreCase)
            ? $"{kernel} indexed a view out of bounds ({what}) on {request.Target}"
            : $"{kernel} failed an assertion ({what}) on {request.Target}";
    }

    private static IlgpuDevice Device(TargetId target) =>
        target == IlgpuBackend.Cpu ? IlgpuDevice.Cpu
        : target == IlgpuBackend.OpenCl ? IlgpuDevice.OpenCl
        : IlgpuBackend.SmOf(target) is not null ? IlgpuDevice.Cuda
        : throw new LavaException($"{target} does not run through ILGPU");
}
