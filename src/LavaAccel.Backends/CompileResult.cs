namespace LavaAccel.Backends;

/// <summary>What the compile worker reports for one compiled variant.</summary>
/// <param name="Target">Target compiled for.</param>
/// <param name="ArtifactPath">Where the artifact was written.</param>
/// <param name="CompileMs">Time inside the worker, excluding its start.</param>
/// <param name="WallMs">Time including the worker's start.</param>
/// <param name="Size">Artifact size in bytes.</param>
/// <param name="KernelModes">How each kernel runs (<c>loop</c> or <c>fibers</c>; <c>device</c>, <c>ptx</c> for device forms).</param>
/// <param name="Extension">File extension of the artifact (<c>.so</c>, <c>.ptx</c>, <c>.bc</c>, <c>.spv</c>).</param>
public sealed record CompileResult(TargetId Target, string ArtifactPath, double CompileMs, double WallMs, long Size, IReadOnlyDictionary<string, string> KernelModes, string Extension = ".so");
