using LavaAccel.Sandbox;

namespace LavaAccel.Execution.Runners;

/// <summary>
/// Runs the variants of one backend family — always in a worker process inside a sandbox from the
/// node's deployment, never in lava's own process. Shaped like <c>IBackend</c>: compiling goes
/// through the backend, running through its runner; <see cref="RunnerRegistry"/> finds it.
/// </summary>
public interface ITargetRunner
{
    /// <summary>Whether this runner runs variants of <paramref name="target"/>.</summary>
    bool Runs(TargetId target);

    /// <summary>Whether its measured times go into the scheduler's history (runs on this node's CPU).</summary>
    bool FeedsHistory(TargetId target);

    /// <summary>
    /// How the kernel executes (CLI.md): <c>native</c> (this machine's CPU), <c>qemu</c> (emulated),
    /// <c>device</c> (an accelerator through its runtime) — so an emulation is never mistaken for hardware.
    /// </summary>
    string Execution(TargetId target);

    /// <summary>
    /// Why <paramref name="target"/> cannot run as a plain child process (<c>--sandbox none</c>),
    /// or null where it can: only lava's native worker running a CPU variant natively has walls of
    /// its own (its seccomp allowlist); a device runtime, the .NET worker or an emulator need the container's.
    /// </summary>
    string? WhyNotUncontained(TargetId target);

    /// <summary>
    /// What every job of <paramref name="target"/> pays besides its kernel in a ready sandbox: the
    /// device runtime's start and build (PoCL compiles the SPIR in each job's worker; the CUDA
    /// driver JIT-compiles the PTX; the .NET worker starts). The scheduler counts it.
    /// </summary>
    double StartupSeconds(TargetId target) => 0;

    /// <summary>What the sandbox holds and which worker it starts for <paramref name="request"/>.</summary>
    WorkerImage Image(RunRequest request);

    /// <summary>
    /// The file the worker loads: the variant, or (for targets that run from the package, such as
    /// ILGPU's GPU targets) a file written into <paramref name="scratch"/>.
    /// </summary>
    string VariantFile(RunRequest request, string scratch) => request.VariantPath;

    /// <summary>
    /// Writes the job description into the slot's job directory (the buffers are already there as
    /// <see cref="JobFiles.Buffer"/>); returns its path as the worker sees it.
    /// </summary>
    string WriteJob(RunRequest request, WorkerSlot slot);

    /// <summary>A clearer account of a failed run than the sandbox's, or null.</summary>
    string? Explain(RunRequest request, SandboxRun run) => null;
}
