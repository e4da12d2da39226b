namespace LavaAccel.Sandbox;

/// <summary>What came back from one job in a sandbox.</summary>
/// <param name="Report">The worker's report, or null when it ended without one (killed).</param>
/// <param name="Exit">How it ended.</param>
/// <param name="Message">For anything but <see cref="ExitReason.Completed"/>: what happened, in words.</param>
/// <param name="KernelOutput">What the kernel printed (stderr of the worker).</param>
/// <param name="Usage">The usage record.</param>
/// <param name="DispatchMs">From "job ready" (request written) to "kernel entered", when the kernel was entered.</param>
/// <param name="KernelEnteredAt">When the kernel was entered, as a Stopwatch timestamp (the worker's CLOCK_MONOTONIC), or 0.</param>
public sealed record SandboxRun(WorkerReport? Report, ExitReason Exit, string Message, string KernelOutput, UsageRecord Usage, double? DispatchMs, long KernelEnteredAt);
