namespace LavaAccel.Llvm;

/// <summary>Facts about the installed libLLVM that do not require loading it (loading costs ≈ 25 ms).</summary>
public static class LlvmLibrary
{
    private static readonly string[] Candidates = ["/usr/lib/x86_64-linux-gnu/libLLVM.so.19.1", "/usr/lib/aarch64-linux-gnu/libLLVM.so.19.1", "/usr/lib/llvm-19/lib/libLLVM.so"];

    /// <summary>
    /// Identifies the exact LLVM build: file name, size and modification time of the library.
    /// Any upgrade changes it, so cached variants built by another LLVM are not reused.
    /// </summary>
    public static string Identity { get; } = ComputeIdentity();

    private static string ComputeIdentity()
    {
        foreach (var candidate in Candidates)
        {
            var info = new FileInfo(candidate);
            if (info.Exists)
            {
                var target = info.ResolveLinkTarget(returnFinalTarget: true) as FileInfo ?? info;
                return $"{target.Name}:{target.Length}:{target.LastWriteTimeUtc.Ticks}";
            }
        }
        return "llvm-19:unknown";
    }
}
