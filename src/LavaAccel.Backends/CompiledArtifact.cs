namespace LavaAccel.Backends;

/// <summary>The result of compiling a package for one target.</summary>
/// <param name="Target">The target.</param>
/// <param name="Bytes">The artifact (a shared object for CPU targets).</param>
/// <param name="Extension">File extension of the artifact (<c>.so</c>).</param>
/// <param name="KernelModes">How each kernel runs, e.g. <c>loop</c> (vectorised work-item loop) or <c>fibers</c> (barriers).</param>
public sealed record CompiledArtifact(TargetId Target, byte[] Bytes, string Extension, IReadOnlyDictionary<string, string> KernelModes);
