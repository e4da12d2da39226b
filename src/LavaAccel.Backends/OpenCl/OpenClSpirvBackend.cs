using LavaAccel.Host;

namespace LavaAccel.Backends.OpenCl;

/// <summary>
/// <c>opencl/spirv</c>: SPIR-V for OpenCL devices that ingest IL (<c>cl_khr_il_program</c>, OpenCL
/// 2.1+), translated from the package's LLVM 15 bitcode by llvm-spirv-15 (Debian's LLVM 19 has no
/// SPIR-V target) and checked by spirv-val before it is cached. PoCL 3.1 takes no SPIR-V, so here
/// the target compiles but does not run.
/// </summary>
public sealed class OpenClSpirvBackend : IBackend
{
    /// <summary>The target.</summary>
    public static readonly TargetId Spirv = new("opencl", "spirv", "");

    /// <summary>Bumped whenever the artifact changes.</summary>
    public const string Version = "lava-opencl-spirv/1";

    private const string Translator = "llvm-spirv-15";
    private const string Validator = "spirv-val";

    private static readonly Lazy<string> TranslatorVersion = new(() =>
    {
        try
        {
            return ToolProcess.Run(Translator, ["--version"], Translator).Trim().Replace('\n', ' ');
        }
        catch (LavaException e)
        {
            return "missing: " + e.Message;
        }
    });

    /// <inheritdoc />
    public string Name => "opencl";

    /// <inheritdoc />
    public IReadOnlyList<TargetId> Targets { get; } = [Spirv];

    /// <inheritdoc />
    public IEnumerable<TargetId> TargetsOn(LavaAccel.Devices.DeviceProfile device) =>
        device.Ingests.Contains("spirv") && WhyNotRunnable(Spirv) is null ? [Spirv] : [];

    /// <inheritdoc />
    public string? WhyNotRunnable(TargetId target) =>
        "no OpenCL device here ingests SPIR-V (cl_khr_il_program); PoCL 3.1 takes SPIR (opencl/spir) only";

    /// <inheritdoc />
    public string Fingerprint(TargetId target) => string.Join('|', Version, TranslatorVersion.Value);

    /// <inheritdoc />
    public CompiledArtifact Compile(Package package, TargetId target)
    {
        using (var context = new LavaAccel.Llvm.LlvmContext())
        using (PackageIr.Open(context, package))
        {
            // audited: the translator takes only IR that passed
        }
        var work = Directory.CreateTempSubdirectory("lava-spirv-");
        try
        {
            var input = Path.Combine(work.FullName, "module.bc");
            var output = Path.Combine(work.FullName, "module.spv");
            File.WriteAllBytes(input, package.Ir);
            try
            {
                ToolProcess.Run(Translator, [input, "-o", output], $"translating package '{package.Manifest.Name}' to SPIR-V");
            }
            catch (LavaException e) when (e.Message.Contains("opaque pointer", StringComparison.Ordinal))
            {
                // The LLVM 15 translator reads builtin pointee types from typed pointers, which
                // clang-15's bitcode (opaque pointers) no longer has: atomics are where it shows.
                throw new LavaException($"package '{package.Manifest.Name}' cannot become SPIR-V with {Translator}: it needs pointee types that opaque-pointer bitcode lacks (atomic builtins); opencl/spir and the CPU targets take it");
            }
            ToolProcess.Run(Validator, [output], $"validating the SPIR-V of package '{package.Manifest.Name}'");
            return new CompiledArtifact(target, File.ReadAllBytes(output), ".spv", package.Manifest.Kernels.ToDictionary(k => k.Name, _ => "device"));
        }
        finally
        {
            work.Delete(recursive: true);
        }
    }
}
