namespace LavaAccel.KernelSuite;

/// <summary>
/// Inputs of one suite run: buffers become .npy files passed as <c>name=@file</c>, scalars are passed as
/// <c>name=literal</c>, locals as <c>name=local:COUNT</c>. Output buffers are listed here too (with their initial
/// contents) because the runner maps every buffer from a file.
/// </summary>
public sealed class SuiteData
{
    /// <summary>Buffer arguments by name (<c>float[]</c>, <c>int[]</c>, <c>uint[]</c>, …; a <c>float4</c> buffer of n elements is a <c>float[]</c> of 4n).</summary>
    public Dictionary<string, Array> Buffers { get; } = new();

    /// <summary>Scalar arguments by name, as invariant-culture literal text (<c>"2.5"</c>, <c>"7"</c>).</summary>
    public Dictionary<string, string> Scalars { get; } = new();

    /// <summary>Element count of each <c>__local</c> pointer argument, by name.</summary>
    public Dictionary<string, int> Locals { get; } = new();
}
