namespace LavaAccel.Execution;

/// <summary>
/// One <c>NAME=VALUE</c> argument as the user wrote it — the one parser of that grammar, used by
/// <c>lava run</c>, <c>lava submit</c> and the service. VALUE is bound to the kernel's parameter
/// by <see cref="ArgumentBinder"/>.
/// </summary>
/// <param name="Name">The parameter's name.</param>
/// <param name="Value">The value text (trimmed); empty when <paramref name="Npy"/> holds the value.</param>
/// <param name="Npy">A buffer's value as the bytes of a .npy file (sent with a job), or null.</param>
public readonly record struct ArgumentSpec(string Name, string Value, byte[]? Npy = null)
{
    /// <summary>Parses <c>NAME=VALUE</c>.</summary>
    public static ArgumentSpec Parse(string text)
    {
        var eq = text.IndexOf('=', StringComparison.Ordinal);
        var name = eq > 0 ? text[..eq].Trim() : "";
        return name.Length > 0 ? new ArgumentSpec(name, text[(eq + 1)..].Trim()) : throw new LavaException($"--arg '{text}' is not NAME=VALUE");
    }

    /// <summary>Whether the value names a file (<c>@FILE.npy</c>).</summary>
    public bool IsFile => Value.StartsWith('@');

    /// <summary>The file a <c>@FILE.npy</c> value names.</summary>
    public string FilePath => IsFile ? Value[1..] : throw new InvalidOperationException($"argument '{Name}' does not name a file");

    /// <summary>The bytes a generator value (<c>zeros:COUNT</c> …) makes for <paramref name="parameter"/>; null for other values.</summary>
    public long? GeneratedBytes(KernelArgument parameter) =>
        parameter.Kind == KernelArgumentKind.Buffer ? BufferGenerators.Bytes(Value, parameter, $"argument '{Name}' ({parameter})") : null;

    /// <inheritdoc />
    public override string ToString() => Npy is null ? $"{Name}={Value}" : $"{Name}=<.npy, {Npy.Length} bytes>";
}
