using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace LavaAccel.Toolchain.CSharp;

/// <summary>
/// C# kernel sources → a deterministic .NET assembly with Roslyn, against the running .NET's
/// libraries and ILGPU. <c>ILGPU</c>, <c>ILGPU.Runtime</c> and <c>System</c> are imported globally.
/// </summary>
internal static class CSharpCompiler
{
    /// <summary>The C# language version kernels are compiled as (recorded in the manifest).</summary>
    public const LanguageVersion Language = LanguageVersion.CSharp14;

    private const string GlobalUsings = "global using ILGPU;\nglobal using ILGPU.Runtime;\nglobal using System;\n";

    private static readonly Lazy<ImmutableArray<MetadataReference>> References = new(() =>
    {
        var platform = ((string?)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES") ?? "")
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Where(p => Path.GetFileName(p).StartsWith("System.", StringComparison.Ordinal) || Path.GetFileName(p) is "netstandard.dll" or "mscorlib.dll");
        return [.. platform.Append(typeof(ILGPU.Context).Assembly.Location).Distinct().Select(p => (MetadataReference)MetadataReference.CreateFromFile(p))];
    });

    /// <summary>The compilation of the sources (syntax trees named by their package-relative paths).</summary>
    public static CSharpCompilation Compile(string assemblyName, IReadOnlyList<(string Name, string Text)> sources, IReadOnlyList<string> symbols)
    {
        var parse = new CSharpParseOptions(Language, preprocessorSymbols: symbols);
        var trees = sources.Select(s => CSharpSyntaxTree.ParseText(s.Text, parse, s.Name))
            .Append(CSharpSyntaxTree.ParseText(GlobalUsings, parse, "<lava-global-usings>.cs"));
        var options = new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary,
            optimizationLevel: OptimizationLevel.Release, deterministic: true, allowUnsafe: false,
            nullableContextOptions: NullableContextOptions.Disable);
        return CSharpCompilation.Create(assemblyName, trees, References.Value, options);
    }

    /// <summary>Emits the assembly, or throws with the compiler's first errors.</summary>
    public static byte[] Emit(CSharpCompilation compilation, string origin)
    {
        using var output = new MemoryStream();
        var result = compilation.Emit(output);
        var errors = result.Diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error).ToList();
        if (!result.Success || errors.Count > 0)
        {
            var shown = errors.Take(5).Select(d =>
            {
                var span = d.Location.GetLineSpan();
                return $"{span.Path}:{span.StartLinePosition.Line + 1}:{span.StartLinePosition.Character + 1}: {d.Id}: {d.GetMessage(System.Globalization.CultureInfo.InvariantCulture)}";
            });
            var more = errors.Count > 5 ? $"\n  … and {errors.Count - 5} more" : "";
            throw new LavaException($"{origin} does not compile:\n  {string.Join("\n  ", shown)}{more}");
        }
        return output.ToArray();
    }
}
