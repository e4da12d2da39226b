using System.Runtime.InteropServices;
using LavaAccel.Cache;
using LavaAccel.Host;
using LavaAccel.Execution.Runners;
using LavaAccel.Sandbox;

namespace LavaAccel.Execution;

/// <summary>
/// Runs a variant of any family in a locked-down sandbox — lava's native worker for CPU, OpenCL
/// and CUDA variants (natively or under qemu-aarch64), the .NET worker for C# kernels — so that a
/// crashing, looping or hostile kernel never takes lava down and touches nothing outside its job
/// directory. No kernel of any runtime runs in a lava process. The family's
/// <see cref="ITargetRunner"/> says which worker and writes its job; the rest is the same for all.
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
        var runner = RunnerRegistry.For(request.Target);
        var kind = request.Sandbox ?? SandboxKinds.Default();
        if (kind == SandboxKind.None && runner.WhyNotUncontained(request.Target) is { } why)
        {
            throw new LavaException($"--sandbox none cannot run this: {why}; use --sandbox oci or bwrap");
        }
        var slot = await deployment.AcquireAsync(kind, runner.Image(request), request.Limits, cancellation).ConfigureAwait(false);
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
            var variant = slot.PlaceVariant(runner.VariantFile(request, slot.HostJobDirectory));
            WriteBuffers(request, slot);
            var jobFile = runner.WriteJob(request, slot);
            var run = await JobDispatch.RunAsync(slot, variant, jobFile, request.TimeLimit, cancellation).ConfigureAwait(false);
            deployment.Usage.Append(run.Usage, request.Kernel.Name, request.Target.ToString(), request.User);
            if (interrupted)
            {
                throw new LavaException($"interrupted: kernel '{request.Kernel.Name}' on {request.Target} was stopped and its sandbox removed");
            }
            if (run.Exit != ExitReason.Completed)
            {
                throw new RunFailedException(run.Exit, runner.Explain(request, run) ?? Failure(request, run), run.Usage);
            }
            var buffers = new Dictionary<string, byte[]>(StringComparer.Ordinal);
            for (var i = 0; i < request.Arguments.Count; i++)
            {
                var argument = request.Arguments[i];
                if (argument.Parameter.Kind == KernelArgumentKind.Buffer && !argument.Parameter.IsConst)
                {
                    // The worker wrote these files: no links followed, no FIFOs, exactly the declared size.
                    buffers[argument.Parameter.Name] = RegularFiles.ReadExactly(Path.Combine(slot.HostJobDirectory, JobFiles.Buffer(i)), argument.Bytes.Length, $"result buffer '{argument.Parameter.Name}'");
                }
            }
            var times = run.Report!.KernelMs;
            Array.Sort(times);
            return new RunOutcome(times, buffers, run.Usage.WallMs, run.KernelOutput, kind, slot.StartMs, run.DispatchMs ?? 0, run.Usage, run.KernelEnteredAt, slot.Image.Key, runner.Execution(request.Target));
        }
        finally
        {
            await deployment.RetireAsync(slot).ConfigureAwait(false);
        }
    }

    // Every family's worker reads its buffers from argN.bin in the job directory.
    private static void WriteBuffers(RunRequest request, WorkerSlot slot)
    {
        for (var i = 0; i < request.Arguments.Count; i++)
        {
            if (request.Arguments[i].Parameter.Kind == KernelArgumentKind.Buffer)
            {
                var host = Path.Combine(slot.HostJobDirectory, JobFiles.Buffer(i));
                File.WriteAllBytes(host, request.Arguments[i].Bytes);
                slot.Adopt(host);
            }
        }
    }

    private static string Failure(RunRequest request, SandboxRun run)
    {
        var kernel = $"kernel '{request.Kernel.Name}'";
        return run.Exit switch
        {
            ExitReason.Error => run.Message,
            ExitReason.Crashed => $"{kernel} {run.Message} on {request.Target}{CrashHint(request, run)}",
            _ => $"{kernel} on {request.Target} {run.Message}",
        };
    }

    private static string CrashHint(RunRequest request, SandboxRun run) =>
        run.Message.Contains("SIGSEGV", StringComparison.Ordinal) || run.Message.Contains("SIGBUS", StringComparison.Ordinal)
            ? " — an out-of-bounds access? buffers: " + string.Join(", ", request.Arguments.Where(a => a.Parameter.Kind == KernelArgumentKind.Buffer).Select(a => $"{a.Parameter.Name}[{a.BufferElements}]"))
            : "";
}
