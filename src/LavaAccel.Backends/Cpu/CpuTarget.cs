namespace LavaAccel.Backends.Cpu;

/// <summary>One CPU target: LLVM triple, CPU and features, and how it runs here.</summary>
/// <param name="Id">Target id, e.g. <c>cpu/x86_64/x86-64-v4</c>.</param>
/// <param name="Triple">LLVM triple.</param>
/// <param name="Cpu">LLVM CPU name.</param>
/// <param name="Features">LLVM feature string added to the CPU's own.</param>
/// <param name="VectorBits">Preferred vector width for the loop vectoriser.</param>
/// <param name="RequiredHostFlags">/proc/cpuinfo flags an x86-64 host needs to run it natively.</param>
public sealed record CpuTarget(TargetId Id, string Triple, string Cpu, string Features, int VectorBits, IReadOnlyList<string> RequiredHostFlags)
{
    /// <summary>The architecture part of the id (<c>x86_64</c>, <c>aarch64</c>).</summary>
    public string Arch => Id.Arch;
}
