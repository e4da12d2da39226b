namespace LavaAccel;

/// <summary>
/// What a manifest must be before lava uses anything in it: every field present, names that are
/// safe as file names and as C identifiers, no control characters anywhere lava prints, and
/// bounds that the workers rely on (kernel names up to 511 characters, at most 128 arguments).
/// Packages come from anyone: a damaged or hand-made manifest is one clear error, whoever made it.
/// </summary>
public static class ManifestRules
{
    /// <summary>The longest kernel name a worker takes.</summary>
    public const int MaxKernelName = 511;

    /// <summary>The most arguments a kernel may have.</summary>
    public const int MaxArguments = 128;

    /// <summary>The longest package name (it becomes part of file names).</summary>
    public const int MaxPackageName = 128;

    private const int MaxKernels = 1024;
    private const int MaxText = 256;

    /// <summary>Throws naming the first rule <paramref name="manifest"/> (of the package from <paramref name="origin"/>) breaks.</summary>
    public static void Check(Manifest manifest, string origin)
    {
        string Bad(string what) => $"package '{origin}' has a bad manifest: {what}";
        if (!IsPackageName(manifest.Name))
        {
            throw new LavaException(Bad($"its name {Quote(manifest.Name)} is not 1 to {MaxPackageName} letters, digits, '_', '.', '+' or '-' (starting with a letter, digit or '_')"));
        }
        foreach (var (field, value) in new[] { ("version", manifest.Version), ("irFormat", manifest.IrFormat), ("irDigest", manifest.IrDigest), ("languageVersion", manifest.LanguageVersion) })
        {
            if (!IsPlainText(value))
            {
                throw new LavaException(Bad($"{field} {Quote(value)} is missing, longer than {MaxText} characters or holds control characters"));
            }
        }
        foreach (var (field, list) in new[] { ("defines", manifest.Defines), ("features", manifest.Features), ("sources", manifest.Sources) })
        {
            if (list is null || list.Any(v => !IsPlainText(v)))
            {
                throw new LavaException(Bad($"{field} is missing or holds an entry that is empty, too long or has control characters"));
            }
        }
        if (manifest.IrFormat is not (Manifest.LavaIrFormat or Manifest.IlgpuFormat))
        {
            throw new LavaException(Bad($"its code format {Quote(manifest.IrFormat)} is not one lava reads ({Manifest.LavaIrFormat} or {Manifest.IlgpuFormat})"));
        }
        if (manifest.Kernels is null || manifest.Kernels.Count == 0)
        {
            throw new LavaException($"package '{origin}' declares no kernels");
        }
        if (manifest.Kernels.Count > MaxKernels)
        {
            throw new LavaException(Bad($"it declares {manifest.Kernels.Count} kernels (at most {MaxKernels})"));
        }
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var kernel in manifest.Kernels)
        {
            if (kernel is null)
            {
                throw new LavaException(Bad("a kernel entry is null"));
            }
            CheckKernel(kernel, Bad);
            if (!names.Add(kernel.Name))
            {
                throw new LavaException(Bad($"kernel '{kernel.Name}' is declared twice"));
            }
        }
    }

    private static void CheckKernel(KernelSignature kernel, Func<string, string> bad)
    {
        if (!IsIdentifier(kernel.Name, MaxKernelName))
        {
            throw new LavaException(bad($"kernel name {Quote(kernel.Name)} is not an identifier of 1 to {MaxKernelName} characters"));
        }
        if (kernel.Arguments is null)
        {
            throw new LavaException(bad($"kernel '{kernel.Name}' has no argument list"));
        }
        if (kernel.Arguments.Count > MaxArguments)
        {
            throw new LavaException(bad($"kernel '{kernel.Name}' has {kernel.Arguments.Count} arguments (at most {MaxArguments})"));
        }
        if (kernel.RequiredWorkGroupSize is { } size && (size.Length is < 1 or > 3 || size.Any(s => s is < 1 or > 65536)))
        {
            throw new LavaException(bad($"kernel '{kernel.Name}' has a bad required work-group size"));
        }
        var argumentNames = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < kernel.Arguments.Count; i++)
        {
            var argument = kernel.Arguments[i];
            var what = $"argument {i} of kernel '{kernel.Name}'";
            if (argument is null)
            {
                throw new LavaException(bad($"{what} is null"));
            }
            if (!IsIdentifier(argument.Name, MaxText) || !argumentNames.Add(argument.Name))
            {
                throw new LavaException(bad($"{what} has a missing, duplicate or malformed name {Quote(argument.Name)}"));
            }
            if (!IsPlainText(argument.TypeName))
            {
                throw new LavaException(bad($"{what} ('{argument.Name}') has a missing or malformed type name"));
            }
            if (!Enum.IsDefined(argument.AddressSpace) || !Enum.IsDefined(argument.ElementType))
            {
                throw new LavaException(bad($"{what} ('{argument.Name}') has an unknown address space or element type"));
            }
            if (argument.VectorWidth is not (1 or 2 or 3 or 4 or 8 or 16))
            {
                throw new LavaException(bad($"{what} ('{argument.Name}') has vector width {argument.VectorWidth} (1, 2, 3, 4, 8 or 16)"));
            }
            if (!argument.IsPointer && argument.AddressSpace != AddressSpace.Private)
            {
                throw new LavaException(bad($"{what} ('{argument.Name}') is a value in the {argument.AddressSpace} address space"));
            }
        }
    }

    /// <summary>Whether <paramref name="name"/> is a safe package name (also as a file name).</summary>
    public static bool IsPackageName(string? name) =>
        name is { Length: > 0 and <= MaxPackageName } && (char.IsAsciiLetterOrDigit(name[0]) || name[0] == '_')
        && name.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '.' or '+' or '-');

    /// <summary>
    /// A package name made from <paramref name="text"/> (a file name): characters outside the
    /// allowed set become '_', cut to the longest name allowed.
    /// </summary>
    public static string ToPackageName(string text)
    {
        var chars = text.Select(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '.' or '+' or '-' ? c : '_').Take(MaxPackageName).ToArray();
        var name = new string(chars);
        return name.Length == 0 ? "kernels" : IsPackageName(name) ? name : ("_" + name)[..Math.Min(name.Length + 1, MaxPackageName)];
    }

    // ASCII C identifiers: the workers read names byte by byte, and kernel symbols are made from them.
    private static bool IsIdentifier(string? name, int max) =>
        name is { Length: > 0 } && name.Length <= max && (char.IsAsciiLetter(name[0]) || name[0] == '_') && name.All(c => char.IsAsciiLetterOrDigit(c) || c == '_');

    private static bool IsPlainText(string? text) => text is { Length: > 0 and <= MaxText } && !text.Any(char.IsControl);

    /// <summary>Up to 80 characters of <paramref name="text"/>, quoted, control characters as '?': safe to print.</summary>
    public static string Quote(string? text) => text is null ? "(none)" : "'" + new string([.. text.Take(80).Select(c => char.IsControl(c) ? '?' : c)]) + (text.Length > 80 ? "…'" : "'");
}
