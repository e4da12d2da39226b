using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace LavaAccel.Toolchain.CSharp;

/// <summary>
/// What the manifest needs from a C# kernel's source that its IL does not say plainly: which views
/// it only reads (recorded as <c>const</c>, so they are not read back), the dynamic shared memory it
/// asks for (a <c>__local</c> argument named after its variable), and the features it uses.
/// </summary>
internal sealed record KernelSourceFacts(IReadOnlySet<string> WrittenViews, (string Name, ITypeSymbol Element)? SharedMemory, IReadOnlySet<string> Features)
{
    /// <summary>Reads the facts of the kernel method <paramref name="name"/>.</summary>
    public static KernelSourceFacts Read(CSharpCompilation compilation, System.Reflection.MethodInfo kernel, string origin)
    {
        var name = kernel.Name;
        var declaringType = kernel.DeclaringType?.FullName?.Replace('+', '.') ?? "";
        var declaration = compilation.SyntaxTrees
            .SelectMany(t => t.GetRoot().DescendantNodes().OfType<MethodDeclarationSyntax>())
            .Where(m => m.Identifier.ValueText == name && m.Modifiers.Any(SyntaxKind.PublicKeyword) && m.Modifiers.Any(SyntaxKind.StaticKeyword))
            .FirstOrDefault(m => compilation.GetSemanticModel(m.SyntaxTree).GetDeclaredSymbol(m) is { } symbol
                && symbol.ContainingType.ToDisplayString() == declaringType && symbol.Parameters.Length == kernel.GetParameters().Length)
            ?? throw new LavaException($"{origin}: cannot find the source of kernel '{name}' in {declaringType}");
        var model = compilation.GetSemanticModel(declaration.SyntaxTree);
        var method = model.GetDeclaredSymbol(declaration)!;
        var written = new HashSet<string>(StringComparer.Ordinal);
        foreach (var identifier in declaration.DescendantNodes().OfType<IdentifierNameSyntax>())
        {
            if (model.GetSymbolInfo(identifier).Symbol is IParameterSymbol parameter
                && SymbolEqualityComparer.Default.Equals(parameter.ContainingSymbol, method)
                && Writes(identifier))
            {
                written.Add(parameter.Name);
            }
        }
        (string, ITypeSymbol)? shared = null;
        var features = new HashSet<string>(StringComparer.Ordinal);
        foreach (var invocation in declaration.DescendantNodes().OfType<InvocationExpressionSyntax>())
        {
            if (model.GetSymbolInfo(invocation).Symbol is not IMethodSymbol called || called.ContainingType is null)
            {
                continue;
            }
            switch (called.ContainingType.ToDisplayString())
            {
                case "ILGPU.SharedMemory":
                    features.Add("local-memory");
                    if (called.Name == "GetDynamic")
                    {
                        if (shared is not null)
                        {
                            throw new LavaException($"{origin}: kernel '{name}' asks for dynamic shared memory twice; ILGPU gives a kernel one dynamic array");
                        }
                        var variable = invocation.Ancestors().OfType<VariableDeclaratorSyntax>().FirstOrDefault()?.Identifier.ValueText ?? "shared";
                        shared = (variable, called.TypeArguments[0]);
                    }
                    break;
                case "ILGPU.Atomic":
                    features.Add("atomics");
                    break;
                case "ILGPU.Group":
                    if (called.Name.Contains("Barrier", StringComparison.Ordinal))
                    {
                        features.Add("barriers");
                    }
                    break;
            }
        }
        if (declaration.DescendantNodes().OfType<ExpressionSyntax>().Any(e => model.GetTypeInfo(e).Type?.SpecialType == SpecialType.System_Double))
        {
            features.Add("fp64");
        }
        return new KernelSourceFacts(written, shared, features);
    }

    // A view is only read when it is indexed for a value or asked for its length; everything
    // else (assigned elements, ref/out elements, ++/--, passing the view on) counts as a write.
    private static bool Writes(IdentifierNameSyntax identifier)
    {
        switch (identifier.Parent)
        {
            case ElementAccessExpressionSyntax access when access.Expression == identifier:
                return access.Parent switch
                {
                    AssignmentExpressionSyntax assignment => assignment.Left == access,
                    PrefixUnaryExpressionSyntax or PostfixUnaryExpressionSyntax => true,
                    RefExpressionSyntax => true,
                    // An element inside a tuple is written when the tuple is assigned to: (y[i], y[j]) = (a, b).
                    ArgumentSyntax argument => !argument.RefKindKeyword.IsKind(SyntaxKind.None)
                        || argument.Ancestors().TakeWhile(a => a is ArgumentSyntax or TupleExpressionSyntax).OfType<TupleExpressionSyntax>().LastOrDefault() is { } tuple
                            && tuple.Parent is AssignmentExpressionSyntax { } deconstruction && deconstruction.Left == tuple,
                    _ => false,
                };
            case MemberAccessExpressionSyntax member when member.Expression == identifier:
                return member.Name.Identifier.ValueText is not ("Length" or "IntLength" or "LongLength" or "Extent" or "IntExtent");
            default:
                // Passed on, copied, compared… (only consulted for views; conservative).
                return true;
        }
    }
}
