namespace LavaAccel.Backends;

/// <summary>One compile the variant cache asks for (on a miss).</summary>
/// <param name="PackagePath">The package, as a file the compile worker reads.</param>
/// <param name="Target">The target.</param>
/// <param name="OutputPath">Where the artifact goes.</param>
/// <param name="Key">The variant key (a node may fetch the variant compiled elsewhere under it).</param>
public sealed record CompileRequest(string PackagePath, TargetId Target, string OutputPath, string Key);
