using LavaAccel.Llvm;

namespace LavaAccel.Toolchain;

/// <summary>Finds the device features a module needs, for the manifest (and later, the scheduler).</summary>
public static class FeatureScanner
{
    /// <summary>Feature names, sorted: <c>atomics</c>, <c>barriers</c>, <c>fp64</c>, <c>local-memory</c>.</summary>
    public static IReadOnlyList<string> Scan(LlvmModule module, IReadOnlyList<KernelSignature> kernels)
    {
        var features = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var function in module.Functions.Where(f => f.IsDeclaration))
        {
            var name = function.Name;
            if (name.Contains("atomic", StringComparison.Ordinal) || name.Contains("atom_", StringComparison.Ordinal))
            {
                features.Add("atomics");
            }
            if (name.Contains("barrier", StringComparison.Ordinal))
            {
                features.Add("barriers");
            }
        }
        if (module.Globals.Any(g => g.Type.AddressSpace == 3) || kernels.Any(k => k.Arguments.Any(a => a.Kind == KernelArgumentKind.Local)))
        {
            features.Add("local-memory");
        }
        var text = module.ToString();
        if (text.Contains(" double", StringComparison.Ordinal) || text.Contains("x double>", StringComparison.Ordinal))
        {
            features.Add("fp64");
        }
        if (text.Contains("atomicrmw", StringComparison.Ordinal) || text.Contains("cmpxchg", StringComparison.Ordinal))
        {
            features.Add("atomics");
        }
        return features.ToArray();
    }
}
