using LavaAccel.KernelSuite;

namespace LavaAccel.Tests;

/// <summary>One <see cref="SuiteRunner"/> per test class: packages and variants are built once.</summary>
public sealed class SuiteRunnerFixture : IDisposable
{
    /// <summary>The shared runner.</summary>
    public SuiteRunner Runner { get; } = new();

    /// <summary>Deletes what the runner built.</summary>
    public void Dispose() => Runner.Dispose();
}
