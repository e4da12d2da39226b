using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using LavaAccel.Cache;
using LavaAccel.Sandbox;

namespace LavaAccel.Runtime;

/// <summary>
/// Runs a CPU variant in a locked-down sandbox (runtime/runner is the worker inside it, natively
/// or under qemu-aarch64), so that a crashing, looping or hostile kernel never takes lava down
/// and touches nothing outside its job directory.
/// </summary>
public static class VariantRunner
{
    private static readonly Lazy<Deployment> Local = new(() => new Deployment(LavaHome.Path));

    /// <summary>Runs the request; throws a one-line error for crashes, time-outs, forbidden calls and worker errors.</summary>
    public static RunOutcome Run(RunRequest request, Deployment? deployment = null) =>
        RunAsync(request, deployment).GetAwaiter().GetResult();

    /// <summary>Runs the request in a sandbox from <paramref name="deployment"/> (default: LAVA_HOME's, no pool).</summary>
    public static async Task<RunOutcome> RunAsync(RunRequest request, Deployment? deployment = null, CancellationToken cancellation = default)
    {
        deployment ??= Local.Value;
        if (!File.Exists(request.VariantPath))
        {
            throw new LavaException($"cannot load variant: {request.VariantPath} does not exist");
        }
        if (request.Target.Backend is "opencl" or "nvptx" or "ilgpu")
        {
            var outcome = request.Target.Backend switch
            {
                "opencl" => OpenClRunner.Run(request),
                "nvptx" => CudaRunner.Run(request),
                _ => IlgpuRunner.Run(request, request.PackageCode, cancellation),
            };
            deployment.Usage.Append(outcome.Usage!, request.Kernel.Name, request.Target.ToString(), request.User);
            return outcome;
        }
        var kind = request.Sandbox ?? SandboxKinds.Default();
        var slot = await deployment.AcquireAsync(kind, request.Target.Arch, request.Limits, cancellation).ConfigureAwait(false);
        // Ctrl-C or SIGTERM stops the kernel and removes its sandbox instead of leaving it running.
        var interrupted = false;
        void Interrupt(PosixSignalContext context)
        {
            context.Cancel = true;
            interrupted = true;
            slot.Kill();
        }
        using var onInterrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, Interrupt);
        using var onTerminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Interrupt);
        try
        {
            var variant = slot.PlaceVariant(request.VariantPath);
            var jobFile = WriteJob(request, slot);
            var run = await JobDispatch.RunAsync(slot, variant, jobFile, request.TimeLimit, cancellation).ConfigureAwait(false);
            deployment.Usage.Append(run.Usage, request.Kernel.Name, request.Target.ToString(), request.User);
            if (interrupted)
            {
                throw new LavaException($"interrupted: kernel '{request.Kernel.Name}' on {request.Target} was stopped and its sandbox removed");
            }
            if (run.Exit != ExitReason.Completed)
            {
                throw Failure(request, run);
            }
            var buffers = new Dictionary<string, byte[]>(StringComparer.Ordinal);
            for (var i = 0; i < request.Arguments.Count; i++)
            {
                var argument = request.Arguments[i];
                if (argument.Parameter.Kind == KernelArgumentKind.Buffer && !argument.Parameter.IsConst)
                {
                    buffers[argument.Parameter.Name] = await ReadResultAsync(Path.Combine(slot.HostJobDirectory, BufferName(i)), argument.Bytes.Length, cancellation).ConfigureAwait(false);
                }
            }
            var times = run.Report!.KernelMs;
            Array.Sort(times);
            return new RunOutcome(times, buffers, run.Usage.WallMs, run.KernelOutput, kind, slot.StartMs, run.DispatchMs ?? 0, run.Usage, run.KernelEnteredAt);
        }
        finally
        {
            await deployment.RetireAsync(slot).ConfigureAwait(false);
        }
    }

    // Exactly the buffer's declared size, whatever the kernel did to the file.
    private static async Task<byte[]> ReadResultAsync(string path, int length, CancellationToken cancellation)
    {
        var bytes = new byte[length];
        await using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, useAsync: true);
        var done = 0;
        while (done < length)
        {
            var read = await file.ReadAsync(bytes.AsMemory(done), cancellation).ConfigureAwait(false);
            if (read == 0)
            {
                throw new LavaException($"a result buffer came back shorter than its {length} bytes (the kernel truncated it)");
            }
            done += read;
        }
        return bytes;
    }

    private static LavaException Failure(RunRequest request, SandboxRun run)
    {
        var kernel = $"kernel '{request.Kernel.Name}'";
        return run.Exit switch
        {
            ExitReason.Error => new LavaException(run.Message),
            ExitReason.Crashed => new LavaException($"{kernel} {run.Message} on {request.Target}{CrashHint(request, run)}"),
            _ => new LavaException($"{kernel} on {request.Target} {run.Message}"),
        };
    }

    private static string CrashHint(RunRequest request, SandboxRun run) =>
        run.Message.Contains("SIGSEGV", StringComparison.Ordinal) || run.Message.Contains("SIGBUS", StringComparison.Ordinal)
            ? " — an out-of-bounds access? buffers: " + string.Join(", ", request.Arguments.Where(a => a.Parameter.Kind == KernelArgumentKind.Buffer).Select(a => $"{a.Parameter.Name}[{a.BufferElements}]"))
            : "";

    private static string BufferName(int index) => $"arg{index}.bin";

    /// <summary>Writes the buffers and the job file into the slot's job directory; returns the job file's path inside.</summary>
    private static string WriteJob(RunRequest request, WorkerSlot slot)
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
        text.Append(inv, $"kernel {request.Kernel.Name}\n");
        text.Append(inv, $"range {range.Dimensions} {Dim(range.Global, 0)} {Dim(range.Global, 1)} {Dim(range.Global, 2)} {Dim(local, 0)} {Dim(local, 1)} {Dim(local, 2)}\n");
        var threads = request.Threads == 0 && request.Cpus is { } cpus ? Math.Max(1, (int)Math.Ceiling(cpus)) : request.Threads;
        text.Append(inv, $"threads {threads}\n");
        text.Append(inv, $"repeat {Math.Max(1, request.Repeat)}\n");
        for (var i = 0; i < request.Arguments.Count; i++)
        {
            var argument = request.Arguments[i];
            switch (argument.Parameter.Kind)
            {
                case KernelArgumentKind.Scalar:
                    text.Append(inv, $"scalar {argument.Bytes.Length} {Convert.ToHexStringLower(argument.Bytes)}\n");
                    break;
                case KernelArgumentKind.Local:
                    text.Append(inv, $"local {argument.LocalElements * argument.Parameter.ElementBytes}\n");
                    break;
                default:
                    var host = Path.Combine(slot.HostJobDirectory, BufferName(i));
                    File.WriteAllBytes(host, argument.Bytes);
                    slot.Adopt(host);
                    text.Append(inv, $"buffer {argument.Bytes.Length} {(argument.Parameter.IsConst ? "ro" : "rw")} {slot.JobDirectoryInside}/{BufferName(i)}\n");
                    break;
            }
        }
        var jobFile = Path.Combine(slot.HostJobDirectory, "job.txt");
        File.WriteAllText(jobFile, text.ToString());
        return slot.JobDirectoryInside + "/job.txt";
    }
}
