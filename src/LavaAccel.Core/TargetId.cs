namespace LavaAccel;

/// <summary>A compilation target, <c>backend/arch/model</c>, e.g. <c>cpu/x86_64/x86-64-v3</c>.</summary>
/// <param name="Backend">Backend that compiles for it (<c>cpu</c>, <c>nvptx</c> …).</param>
/// <param name="Arch">Architecture (<c>x86_64</c>, <c>aarch64</c> …).</param>
/// <param name="Model">CPU model, ISA level or SM.</param>
public sealed record TargetId(string Backend, string Arch, string Model)
{
    /// <summary>Parses <c>backend/arch/model</c>.</summary>
    public static TargetId Parse(string text)
    {
        var parts = text.Trim().Split('/');
        if (parts.Length != 3 || parts.Any(string.IsNullOrWhiteSpace))
        {
            throw new LavaException($"'{text}' is not a target id (expected backend/arch/model, e.g. cpu/x86_64/x86-64-v3; `lava targets` lists them)");
        }
        return new TargetId(parts[0], parts[1], parts[2]);
    }

    /// <summary>The id in its textual form.</summary>
    public override string ToString() => $"{Backend}/{Arch}/{Model}";
}
