namespace LavaAccel.Tests;

/// <summary>A test kernel packed once: the package and where it was saved.</summary>
/// <param name="Package">The package.</param>
/// <param name="Path">The saved <c>.lava</c> file.</param>
public sealed record PackedSource(Package Package, string Path);
