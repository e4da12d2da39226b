using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text.Json.Nodes;
using LavaAccel.Backends;
using LavaAccel.Backends.Ilgpu;
using LavaAccel.Ilgpu;
using LavaAccel.Sandbox;

namespace LavaAccel.Runtime;

/// <summary>
/// Runs <c>ilgpu/*</c> variants in <c>lava-ilgpu-worker</c>, a process of their own: ILGPU's CPU
/// accelerator ends its process when a kernel indexes a view out of bounds, and its threads cannot
/// be stopped, so lava reports the failure and kills the worker at the time limit instead.
/// <c>ilgpu/cpu</c> loads the variant (the kernels' assembly); the PTX and OpenCL targets run the
/// package's assembly through ILGPU's CUDA or OpenCL accelerator, which regenerate the same code
/// (ILGPU's public API cannot load precompiled PTX). ILGPU's CPU accelerator runs the kernel's
/// own IL on the host, and its bounds checks can be defeated (SubView offset overflow), so the
/// ilgpu/cpu worker runs jailed in bubblewrap (<see cref="ManagedWorkerJail"/>); the reference
/// policy is defence in depth (docs/ilgpu-backend.md).
/// </summary>
public static class IlgpuRunner
{
    private const string WorkerName = "lava-ilgpu-worker";

    /// <summary>Runs the request; a compile, launch, assertion or time-limit failure is one error line.</summary>
    public static RunOutcome Run(RunRequest request, byte[]? packageIl = null, CancellationToken cancellation = default)
    {
        var device = request.Target == IlgpuBackend.Cpu ? IlgpuDevice.Cpu
            : request.Target == IlgpuBackend.OpenCl ? IlgpuDevice.OpenCl
            : IlgpuBackend.SmOf(request.Target) is not null ? IlgpuDevice.Cuda
            : throw new LavaException($"{request.Target} does not run through ILGPU");
        var work = Directory.CreateTempSubdirectory("lava-ilgpu-");
        try
        {
            // The assembly goes into the job directory: the only directory the jailed worker sees besides its own.
            var assembly = Path.Combine(work.FullName, "kernels.dll");
            if (device == IlgpuDevice.Cpu)
            {
                File.Copy(request.VariantPath, assembly);
            }
            else
            {
                File.WriteAllBytes(assembly, packageIl ?? throw new LavaException($"{request.Target} runs from the package's assembly; none was given"));
            }
            var arguments = request.Arguments.Select(DeviceArguments.From).ToArray();
            var job = new IlgpuJob(assembly, request.Kernel.Name, device, request.Range.Global, request.Range.Local, Math.Max(1, request.Repeat), arguments);
            var start = WorkerExecutable.StartInfo(WorkerName);
            start.ArgumentList.Add(job.Write(work.FullName));
            // ilgpu/cpu runs the kernel's own IL on the host, so its worker is jailed (bubblewrap)
            // unless --sandbox none; the GPU accelerators need their devices and run it plain.
            var jailed = device == IlgpuDevice.Cpu && request.Sandbox != SandboxKind.None;
            if (jailed)
            {
                start = ManagedWorkerJail.Wrap(start, work.FullName, request.MemoryLimit);
            }
            var clock = Stopwatch.StartNew();
            using var process = Process.Start(start) ?? throw new LavaException($"cannot start {WorkerName}");
            var stopped = "";
            void Stop(string why)
            {
                stopped = why;
                try
                {
                    process.Kill(entireProcessTree: true);
                }
                catch (InvalidOperationException)
                {
                    // already gone
                }
            }
            void Interrupt(PosixSignalContext context)
            {
                context.Cancel = true;
                Stop("interrupted");
            }
            using var onInterrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, Interrupt);
            using var onTerminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Interrupt);
            using var onCancel = cancellation.Register(() => Stop("cancelled"));
            var stderr = BoundedText.ReadAsync(process.StandardError, 1 << 20, CancellationToken.None);
            var stdout = BoundedText.ReadAsync(process.StandardOutput, 1 << 20, CancellationToken.None);
            if (!process.WaitForExit(request.TimeLimit ?? Timeout.InfiniteTimeSpan))
            {
                Stop("timeout");
            }
            process.WaitForExit();
            var wall = clock.Elapsed.TotalMilliseconds;
            var kernel = $"kernel '{request.Kernel.Name}'";
            if (stopped == "timeout")
            {
                throw new LavaException($"{kernel} on {request.Target} exceeded its time limit of {request.TimeLimit!.Value.TotalSeconds:0.###} s and was stopped");
            }
            if (stopped == "cancelled")
            {
                throw new OperationCanceledException($"{kernel} on {request.Target} was cancelled", cancellation);
            }
            if (stopped == "interrupted")
            {
                throw new LavaException($"interrupted: {kernel} on {request.Target} was stopped");
            }
            var message = stderr.Result.Trim();
            if (process.ExitCode == 1 && message.Length > 0)
            {
                throw new LavaException(message);
            }
            if (process.ExitCode != 0)
            {
                throw new LavaException($"{kernel} {Crash(message, process.ExitCode)} on {request.Target}");
            }
            var report = JsonNode.Parse(stdout.Result)!.AsObject();
            var times = report["times_ms"]!.AsArray().Select(t => t!.GetValue<double>()).ToArray();
            var buffers = new Dictionary<string, byte[]>(StringComparer.Ordinal);
            for (var i = 0; i < arguments.Length; i++)
            {
                if (arguments[i].Kind == DeviceArgumentKind.Buffer && arguments[i].Writable)
                {
                    // The (jailed) worker wrote these files: no links followed, exactly the declared size.
                    buffers[arguments[i].Name] = UnixFiles.ReadWrittenFile(IlgpuJob.BufferFile(work.FullName, i), arguments[i].Bytes.Length);
                }
            }
            var usage = new UsageRecord($"ilgpu-{process.Id}", jailed ? "bwrap" : "none", wall,
                report["cpu_user_ms"]!.GetValue<double>(), report["cpu_system_ms"]!.GetValue<double>(),
                report["peak_bytes"]!.GetValue<long>(), ExitReason.Completed, "process");
            return new RunOutcome(times, buffers, wall, "", jailed ? SandboxKind.Bwrap : SandboxKind.None, 0, 0, usage);
        }
        finally
        {
            try
            {
                work.Delete(recursive: true);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // A kernel that made its directory undeletable must not change the job's outcome.
            }
        }
    }

    // ILGPU's CPU accelerator fails a kernel's assertions (bounds checks on views) with
    // "Process terminated. Assertion Failed" and the assertion's message on the next line.
    private static string Crash(string stderr, int exitCode)
    {
        var lines = stderr.Split('\n', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        var failed = Array.FindIndex(lines, l => l.Contains("Assertion Failed", StringComparison.Ordinal));
        if (failed >= 0)
        {
            var what = lines.Skip(failed + 1).FirstOrDefault(l => !l.StartsWith("at ", StringComparison.Ordinal)) ?? "assertion failed";
            return what.Contains("out of range", StringComparison.OrdinalIgnoreCase)
                ? $"indexed a view out of bounds ({what})"
                : $"failed an assertion ({what})";
        }
        var detail = lines.FirstOrDefault(l => !l.StartsWith("at ", StringComparison.Ordinal)) ?? "";
        return $"crashed ({Signals.Describe(exitCode)}){(detail.Length > 0 ? ": " + detail : "")}";
    }
}
