namespace LavaAccel;

/// <summary>
/// A compilation target: <c>backend/arch/model</c> for machine code (<c>cpu/x86_64/x86-64-v3</c>),
/// or <c>backend/form</c> where the artifact is an intermediate form a device runtime finishes
/// (<c>opencl/spir</c>; the model is then empty).
/// </summary>
/// <param name="Backend">Backend that compiles for it (<c>cpu</c>, <c>opencl</c> …).</param>
/// <param name="Arch">Architecture (<c>x86_64</c>, <c>aarch64</c> …), or the form (<c>spir</c>).</param>
/// <param name="Model">CPU model, ISA level or SM; empty for two-part ids.</param>
public sealed record TargetId(string Backend, string Arch, string Model)
{
    /// <summary>Parses <c>backend/arch/model</c> or <c>backend/form</c>.</summary>
    public static TargetId Parse(string text)
    {
        var parts = text.Trim().Split('/');
        if (parts.Length is < 2 or > 3 || parts.Any(string.IsNullOrWhiteSpace))
        {
            throw new LavaException($"'{text}' is not a target id (expected backend/arch/model or backend/form, e.g. cpu/x86_64/x86-64-v3 or opencl/spir; `lava targets` lists them)");
        }
        return new TargetId(parts[0], parts[1], parts.Length == 3 ? parts[2] : "");
    }

    /// <summary>The id in its textual form.</summary>
    public override string ToString() => Model.Length == 0 ? $"{Backend}/{Arch}" : $"{Backend}/{Arch}/{Model}";
}
