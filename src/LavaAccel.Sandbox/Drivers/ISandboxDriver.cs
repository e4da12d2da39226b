namespace LavaAccel.Sandbox.Drivers;

/// <summary>Creates locked-down sandboxes whose worker waits for one job.</summary>
public interface ISandboxDriver
{
    /// <summary>The isolation this driver gives.</summary>
    SandboxKind Kind { get; }

    /// <summary>Creates a sandbox holding <paramref name="image"/>'s worker with <paramref name="limits"/> and waits until the worker is ready.</summary>
    Task<WorkerSlot> StartAsync(WorkerImage image, SandboxLimits limits, CancellationToken cancellation = default);
}
