namespace LavaAccel.Sandbox.Drivers;

/// <summary>Creates locked-down sandboxes whose worker waits for one job.</summary>
public interface ISandboxDriver
{
    /// <summary>The isolation this driver gives.</summary>
    SandboxKind Kind { get; }

    /// <summary>Creates a sandbox for a worker of <paramref name="arch"/> with <paramref name="limits"/> and waits until its worker is ready.</summary>
    Task<WorkerSlot> StartAsync(string arch, SandboxLimits limits, CancellationToken cancellation = default);
}
