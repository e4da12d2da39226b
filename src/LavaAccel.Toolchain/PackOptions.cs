namespace LavaAccel.Toolchain;

/// <summary>Options of <c>lava pack</c>.</summary>
/// <param name="Defines">Preprocessor definitions <c>NAME=VALUE</c> (or <c>NAME</c>).</param>
/// <param name="LanguageVersion">OpenCL C version (<c>CL1.2</c> by default).</param>
/// <param name="Name">Package name; the source file's name without extension when null.</param>
/// <param name="Version">Package version.</param>
public sealed record PackOptions(IReadOnlyList<string> Defines, string LanguageVersion = "CL1.2", string? Name = null, string Version = "0.1.0");
