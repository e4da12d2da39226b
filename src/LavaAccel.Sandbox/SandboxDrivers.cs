using LavaAccel.Sandbox.Drivers;

namespace LavaAccel.Sandbox;

/// <summary>The driver for each <see cref="SandboxKind"/>.</summary>
public static class SandboxDrivers
{
    /// <summary>A driver keeping its files under <paramref name="state"/>.</summary>
    public static ISandboxDriver Create(SandboxKind kind, SandboxState state) => kind switch
    {
        SandboxKind.Oci => new RuncDriver(state),
        SandboxKind.Bwrap => new BwrapDriver(state),
        _ => new PlainDriver(state),
    };
}
