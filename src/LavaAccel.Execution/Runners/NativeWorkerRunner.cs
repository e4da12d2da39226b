using System.Globalization;
using System.Text;
using LavaAccel.Backends.OpenCl;
using LavaAccel.Sandbox;

namespace LavaAccel.Execution.Runners;

/// <summary>
/// The families lava's native worker (runtime/runner) runs: CPU variants (loaded into the worker,
/// natively or under qemu-aarch64), SPIR on an OpenCL device (the worker opens the ICD loader;
/// PoCL compiles and runs inside the sandbox) and PTX on a CUDA GPU (the worker opens the
/// driver). One job-file format for all three; the <c>device</c> line tells the worker which.
/// </summary>
public sealed class NativeWorkerRunner : ITargetRunner
{
    private readonly Func<TargetId, bool> _runs;
    private readonly Func<TargetId, WorkerImage> _image;
    private readonly string _device;
    private readonly bool _feedsHistory;

    private NativeWorkerRunner(string device, Func<TargetId, bool> runs, Func<TargetId, WorkerImage> image, bool feedsHistory)
    {
        _device = device;
        _runs = runs;
        _image = image;
        _feedsHistory = feedsHistory;
    }

    /// <summary><c>cpu/…</c>: the variant is a shared object loaded by the worker.</summary>
    public static NativeWorkerRunner Cpu { get; } = new("cpu", t => t.Backend == "cpu", t => WorkerImages.Native(t.Arch), feedsHistory: true);

    /// <summary><c>opencl/spir</c>: SPIR bitcode built by the OpenCL device inside the sandbox.</summary>
    public static NativeWorkerRunner OpenCl { get; } = new("opencl", t => t == OpenClSpirBackend.Spir, _ => WorkerImages.OpenCl(), feedsHistory: false);

    /// <summary><c>nvptx/sm_XX</c>: PTX loaded by the CUDA driver inside the sandbox.</summary>
    public static NativeWorkerRunner Cuda { get; } = new("cuda", t => t.Backend == "nvptx", _ => WorkerImages.Cuda(), feedsHistory: false);

    /// <inheritdoc />
    public bool Runs(TargetId target) => _runs(target);

    /// <inheritdoc />
    public bool FeedsHistory(TargetId target) => _feedsHistory;

    /// <inheritdoc />
    public string Execution(TargetId target) =>
        _device != "cpu" ? "device"
        : target.Arch == "aarch64" && System.Runtime.InteropServices.RuntimeInformation.OSArchitecture != System.Runtime.InteropServices.Architecture.Arm64 ? "qemu"
        : "native";

    /// <inheritdoc />
    public string? WhyNotUncontained(TargetId target) =>
        _device != "cpu" ? $"{target} runs a device runtime, which needs files and processes the worker's own filter cannot allow outside a container"
        : Execution(target) == "qemu" ? $"{target} runs under qemu-user, where the worker cannot install its own system-call filter"
        : null;

    /// <inheritdoc />
    /// <remarks>Measured on PoCL 3.1 here: ≈ 0.9 s to build a small kernel at its first launch (docs/performance.md); the CUDA figure is a guess (no GPU lent).</remarks>
    public double StartupSeconds(TargetId target) => _device switch { "opencl" => 0.9, "cuda" => 0.3, _ => 0 };

    /// <inheritdoc />
    public WorkerImage Image(RunRequest request) => _image(request.Target);

    /// <inheritdoc />
    public string WriteJob(RunRequest request, WorkerSlot slot)
    {
        var range = request.Range;
        var local = range.Local ?? throw new ArgumentException("the range's local size must be resolved", nameof(request));
        long Dim(long[] sizes, int d) => d < sizes.Length ? sizes[d] : 1;
        var text = new StringBuilder();
        var inv = CultureInfo.InvariantCulture;
        // Limits first: the memory limit must already hold when the buffers are allocated.
        if (request.TimeLimit is { } time)
        {
            text.Append(inv, $"timelimit {(long)Math.Ceiling(time.TotalMilliseconds)}\n");
        }
        if (request.MemoryLimit is { } memory && slot.Kind != SandboxKind.Oci)
        {
            text.Append(inv, $"memlimit {memory}\n");
        }
        text.Append(inv, $"device {_device}\n");
        if (Execution(request.Target) == "qemu")
        {
            // qemu-user cannot install the worker's filter: the container's stands in (never --sandbox none).
            text.Append("seccomp optional\n");
        }
        text.Append(inv, $"kernel {request.Kernel.Name}\n");
        if (request.Kernel.Arguments.Any(a => a.ElementType == ScalarType.Double))
        {
            text.Append("fp64 yes\n");
        }
        text.Append(inv, $"range {range.Dimensions} {Dim(range.Global, 0)} {Dim(range.Global, 1)} {Dim(range.Global, 2)} {Dim(local, 0)} {Dim(local, 1)} {Dim(local, 2)}\n");
        var threads = request.Threads == 0 && request.Cpus is { } cpus ? Math.Max(1, (int)Math.Ceiling(cpus)) : request.Threads;
        text.Append(inv, $"threads {threads}\n");
        text.Append(inv, $"repeat {Math.Max(1, request.Repeat)}\n");
        if (request.Warmup > 0)
        {
            text.Append(inv, $"warmup {request.Warmup}\n");
        }
        if (request.OpenClSourceOptions is { } options)
        {
            text.Append(inv, $"clopts {options}\n");
        }
        for (var i = 0; i < request.Arguments.Count; i++)
        {
            var argument = request.Arguments[i];
            switch (argument.Parameter.Kind)
            {
                case KernelArgumentKind.Scalar:
                    text.Append(inv, $"scalar {argument.Bytes.Length} {Convert.ToHexStringLower(argument.Bytes)}\n");
                    break;
                case KernelArgumentKind.Local:
                    text.Append(inv, $"local {checked(argument.LocalElements * argument.Parameter.ElementBytes)}\n");
                    break;
                default:
                    text.Append(inv, $"buffer {argument.Bytes.Length} {(argument.Parameter.IsConst ? "ro" : "rw")} {slot.JobDirectoryInside}/{JobFiles.Buffer(i)}\n");
                    break;
            }
        }
        File.WriteAllText(Path.Combine(slot.HostJobDirectory, "job.txt"), text.ToString());
        return slot.JobDirectoryInside + "/job.txt";
    }
}
