using LavaAccel.Backends.Analysis;
using LavaAccel.Llvm;

namespace LavaAccel.Toolchain;

/// <summary>
/// <c>lava pack</c>: OpenCL C source → deterministic <c>.lava</c> package with LAVA IR; C# files
/// (a <c>.cs</c>, a directory or a <c>.csproj</c>) → a package with ILGPU kernels.
/// </summary>
public static class PackageBuilder
{
    /// <summary>Compiles <paramref name="sourcePath"/> and builds its package.</summary>
    public static Package Pack(string sourcePath, PackOptions options)
    {
        if (CSharp.CSharpPackageBuilder.Handles(sourcePath))
        {
            return CSharp.CSharpPackageBuilder.Pack(sourcePath, options);
        }
        if (!File.Exists(sourcePath))
        {
            throw new LavaException($"kernel source '{sourcePath}' does not exist");
        }
        var source = File.ReadAllBytes(sourcePath);
        if (Array.IndexOf(source, (byte)0) >= 0)
        {
            throw new LavaException($"'{sourcePath}' is not OpenCL C source (it contains NUL bytes)");
        }
        foreach (var define in options.Defines)
        {
            if (define.Length == 0 || define.StartsWith('=') || define.Any(char.IsWhiteSpace) && !define.Contains('='))
            {
                throw new LavaException($"bad -D definition '{define}' (expected NAME or NAME=VALUE)");
            }
        }
        var ir = ClangFrontend.Compile(sourcePath, options.LanguageVersion, options.Defines);
        var fileName = Path.GetFileName(sourcePath);
        using var context = new LlvmContext();
        using var module = context.ParseBitcode(ir, fileName);
        if (KernelCodeAudit.Refusal(module, fileName) is { } refusal)
        {
            throw new LavaException(refusal);
        }
        var kernels = KernelSignatureReader.Read(module, fileName);
        if (kernels.Count == 0)
        {
            throw new LavaException($"{sourcePath} defines no __kernel functions");
        }
        var manifest = new Manifest
        {
            Name = options.Name ?? ManifestRules.ToPackageName(Path.GetFileNameWithoutExtension(sourcePath)),
            Version = options.Version,
            IrFormat = ClangFrontend.IrFormat,
            IrDigest = Digest.Of(ir).ToString(),
            LanguageVersion = options.LanguageVersion,
            Defines = options.Defines.ToArray(),
            Features = FeatureScanner.Scan(module, kernels),
            Kernels = kernels,
            Sources = [fileName],
        };
        return new Package(manifest, ir, new Dictionary<string, byte[]> { [fileName] = source });
    }
}
