namespace LavaAccel.Host;

/// <summary>
/// Locates the native runtime built from <c>runtime/</c>: the builtins bitcode, the host objects
/// linked into every CPU variant and the runners. <c>LAVA_RUNTIME_DIR</c> overrides the search.
/// </summary>
public static class NativeRuntime
{
    private static readonly Lazy<string> Directory = new(Find);

    /// <summary>The directory holding the native runtime files.</summary>
    public static string Root => Directory.Value;

    /// <summary>OpenCL builtins as spir64 bitcode.</summary>
    public static string BuiltinsBitcode => Path.Combine(Root, "builtins-spir64.bc");

    /// <summary>The convert_* builtins as spir64 bitcode (linked only when a kernel converts).</summary>
    public static string ConversionsBitcode => Path.Combine(Root, "builtins-conversions-spir64.bc");

    private static readonly Lazy<IReadOnlySet<string>> Names = new(() => File.ReadLines(Path.Combine(Root, "builtins.names")).ToHashSet(StringComparer.Ordinal));

    /// <summary>The OpenCL builtins the library defines (mangled names): what a kernel may call.</summary>
    public static IReadOnlySet<string> BuiltinNames => Names.Value;

    /// <summary>The host object (ND-range threads, fibers) for an architecture.</summary>
    public static string HostObject(string arch) => Path.Combine(Root, $"host-{arch}.o");

    /// <summary>The runner executable for an architecture.</summary>
    public static string Runner(string arch) => Path.Combine(Root, $"lava-runner-{arch}");

    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, string> Digests = new(StringComparer.Ordinal);

    /// <summary>sha256 over what a CPU variant for <paramref name="arch"/> is built from besides its IR: the builtins and the host object.</summary>
    public static string Digest(string arch) => Digests.GetOrAdd(arch, a =>
    {
        using var hash = System.Security.Cryptography.IncrementalHash.CreateHash(System.Security.Cryptography.HashAlgorithmName.SHA256);
        foreach (var file in new[] { BuiltinsBitcode, ConversionsBitcode, HostObject(a) })
        {
            hash.AppendData(File.Exists(file) ? File.ReadAllBytes(file) : []);
        }
        return Convert.ToHexStringLower(hash.GetHashAndReset())[..16];
    });

    private static string Find()
    {
        var overridden = Environment.GetEnvironmentVariable("LAVA_RUNTIME_DIR");
        if (!string.IsNullOrEmpty(overridden))
        {
            return overridden;
        }
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "artifacts", "runtime");
            if (File.Exists(Path.Combine(candidate, "builtins-spir64.bc")))
            {
                return candidate;
            }
            var beside = Path.Combine(dir.FullName, "runtime");
            if (File.Exists(Path.Combine(beside, "builtins-spir64.bc")))
            {
                return beside;
            }
        }
        throw new LavaException("the LavaAccel native runtime is not built (run ./lava once, or make -C runtime)");
    }
}
