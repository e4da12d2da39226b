using LavaAccel.Ilgpu;
using Microsoft.CodeAnalysis;

namespace LavaAccel.Toolchain.CSharp;

/// <summary>
/// <c>lava pack Kernels.cs</c> (or a directory or <c>.csproj</c> of C# files): C# → a .NET assembly
/// with the ILGPU kernels under <c>il/</c>, signatures read from the assembly and the source.
/// </summary>
internal static class CSharpPackageBuilder
{
    /// <summary>Whether <paramref name="path"/> names C# kernels rather than OpenCL C.</summary>
    public static bool Handles(string path) =>
        path.EndsWith(".cs", StringComparison.OrdinalIgnoreCase) || path.EndsWith(".csproj", StringComparison.OrdinalIgnoreCase) || Directory.Exists(path);

    public static Package Pack(string path, PackOptions options)
    {
        var files = SourceFiles(path);
        foreach (var define in options.Defines)
        {
            if (define.Contains('=') || define.Length == 0 || define.Any(char.IsWhiteSpace))
            {
                throw new LavaException($"bad -D definition '{define}' for C# (a conditional-compilation symbol NAME; C# symbols have no values)");
            }
        }
        var sources = new SortedDictionary<string, byte[]>(StringComparer.Ordinal);
        foreach (var (name, full) in files)
        {
            sources[name] = File.ReadAllBytes(full);
        }
        var packageName = options.Name ?? ManifestRules.ToPackageName(Path.GetFileNameWithoutExtension(Path.TrimEndingDirectorySeparator(path)));
        var origin = Path.GetFileName(Path.TrimEndingDirectorySeparator(path));
        var compilation = CSharpCompiler.Compile(AssemblyName(packageName), [.. sources.Select(s => (s.Key, System.Text.Encoding.UTF8.GetString(s.Value)))], options.Defines);
        var il = CSharpCompiler.Emit(compilation, origin);
        using var assembly = IlgpuAssembly.Load(il, origin);
        if (assembly.Kernels.Count == 0)
        {
            throw new LavaException($"{origin} defines no kernels (public static void methods of public classes taking an Index1D/2D/3D and ArrayView<T> or scalar arguments)");
        }
        var features = new SortedSet<string>(StringComparer.Ordinal);
        var kernels = assembly.Kernels.Select(k => Signature(k, KernelSourceFacts.Read(compilation, k.Method, origin), features)).ToList();
        var manifest = new Manifest
        {
            Name = packageName,
            Version = options.Version,
            IrFormat = Manifest.IlgpuFormat,
            IrDigest = Digest.Of(il).ToString(),
            LanguageVersion = "csharp-" + CSharpCompiler.Language.ToString()["CSharp".Length..],
            Defines = options.Defines.ToArray(),
            Features = [.. features],
            Kernels = kernels,
            Sources = [.. sources.Keys],
        };
        return new Package(manifest, il, sources);
    }

    private static KernelSignature Signature(IlgpuKernel kernel, KernelSourceFacts facts, ISet<string> features)
    {
        features.UnionWith(facts.Features);
        var arguments = new List<KernelArgument>();
        foreach (var parameter in kernel.Parameters)
        {
            var name = parameter.Name!;
            if (IlgpuTypes.ElementOf(parameter.ParameterType) is { } element)
            {
                arguments.Add(new KernelArgument(name, $"ArrayView<{IlgpuTypes.CSharpName(element)}>", AddressSpace.Global, element, 1, IsConst: !facts.WrittenViews.Contains(name), IsPointer: true));
            }
            else
            {
                var scalar = IlgpuTypes.ScalarOf(parameter.ParameterType)!.Value;
                arguments.Add(new KernelArgument(name, IlgpuTypes.CSharpName(scalar), AddressSpace.Private, scalar, 1, IsConst: false, IsPointer: false));
            }
            if (arguments[^1].ElementType == ScalarType.Double)
            {
                features.Add("fp64");
            }
        }
        if (facts.SharedMemory is { } shared)
        {
            var element = SharedElement(shared.Element, kernel.Name);
            arguments.Add(new KernelArgument(shared.Name, $"SharedMemory<{IlgpuTypes.CSharpName(element)}>", AddressSpace.Local, element, 1, IsConst: false, IsPointer: true));
        }
        return new KernelSignature(kernel.Name, arguments);
    }

    // The same element types as kernel parameters (IlgpuTypes), found through the symbol's CLR type.
    private static ScalarType SharedElement(ITypeSymbol type, string kernel) =>
        type.ContainingNamespace?.ToDisplayString() == "System" && typeof(object).Assembly.GetType("System." + type.MetadataName) is { } clr && IlgpuTypes.ScalarOf(clr) is { } scalar
            ? scalar
            : throw new LavaException($"kernel '{kernel}': dynamic shared memory of {type.ToDisplayString()} is not supported (use a primitive element type)");

    private static string AssemblyName(string packageName)
    {
        var clean = new string([.. packageName.Select(c => char.IsLetterOrDigit(c) || c is '_' or '.' ? c : '_')]);
        return "LavaKernels." + (clean.Length == 0 ? "package" : clean);
    }

    // Package-relative names (sorted) and full paths of the C# files that make up the kernels.
    private static List<(string Name, string Full)> SourceFiles(string path)
    {
        if (File.Exists(path) && path.EndsWith(".cs", StringComparison.OrdinalIgnoreCase))
        {
            return [(Path.GetFileName(path), Path.GetFullPath(path))];
        }
        var root = File.Exists(path) ? Path.GetDirectoryName(Path.GetFullPath(path))! : Path.GetFullPath(path);
        if (!Directory.Exists(root))
        {
            throw new LavaException($"kernel source '{path}' does not exist");
        }
        var files = Directory.EnumerateFiles(root, "*.cs", SearchOption.AllDirectories)
            .Select(f => (Name: Path.GetRelativePath(root, f).Replace('\\', '/'), Full: f))
            .Where(f => !f.Name.StartsWith("bin/", StringComparison.Ordinal) && !f.Name.StartsWith("obj/", StringComparison.Ordinal))
            .OrderBy(f => f.Name, StringComparer.Ordinal)
            .ToList();
        return files.Count > 0 ? files : throw new LavaException($"'{path}' holds no .cs files");
    }
}
