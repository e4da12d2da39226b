namespace LavaAccel;

/// <summary>The <c>manifest.json</c> of a package.</summary>
public sealed record Manifest
{
    /// <summary>Version of the package layout this manifest describes.</summary>
    public const int CurrentFormatVersion = 1;

    /// <summary>Package layout version.</summary>
    public int FormatVersion { get; init; } = CurrentFormatVersion;

    /// <summary>Package name (by default the kernel file's name without extension).</summary>
    public required string Name { get; init; }

    /// <summary>Package version chosen by its author.</summary>
    public string Version { get; init; } = "0.1.0";

    /// <summary><see cref="IrFormat"/> of LAVA IR packages: spir64 bitcode at LLVM 15.</summary>
    public const string LavaIrFormat = "spir64-unknown-unknown/llvm-15";

    /// <summary><see cref="IrFormat"/> of packages whose kernels are C# for ILGPU (<c>il/kernels.dll</c>).</summary>
    public const string IlgpuFormat = "dotnet-il/ilgpu-1";

    /// <summary>
    /// What the code is: for LAVA IR the triple and LLVM bitcode version it was written at; for C#
    /// kernels <see cref="IlgpuFormat"/>.
    /// </summary>
    public required string IrFormat { get; init; }

    /// <summary>sha256 of the code (<c>ir/module.bc</c> or <c>il/kernels.dll</c>), checked when the package is opened.</summary>
    public required string IrDigest { get; init; }

    /// <summary>Language the source was compiled as: OpenCL C version (<c>CL1.2</c>, <c>CL2.0</c>) or <c>C#</c> version for ILGPU kernels (<c>csharp-14</c>).</summary>
    public required string LanguageVersion { get; init; }

    /// <summary>Preprocessor definitions given to <c>lava pack</c>, in order.</summary>
    public IReadOnlyList<string> Defines { get; init; } = [];

    /// <summary>Device features the kernels need (fp64, atomics, local-memory, barriers).</summary>
    public IReadOnlyList<string> Features { get; init; } = [];

    /// <summary>Kernels with their signatures.</summary>
    public required IReadOnlyList<KernelSignature> Kernels { get; init; }

    /// <summary>Source files stored under <c>src/</c>.</summary>
    public IReadOnlyList<string> Sources { get; init; } = [];

    /// <summary>Finds a kernel by name or throws an error that lists the kernels there are.</summary>
    public KernelSignature GetKernel(string name) =>
        Kernels.FirstOrDefault(k => k.Name == name)
        ?? throw new LavaException($"package '{Name}' has no kernel {ManifestRules.Quote(name)} (kernels: {string.Join(", ", Kernels.Select(k => k.Name))})");
}
