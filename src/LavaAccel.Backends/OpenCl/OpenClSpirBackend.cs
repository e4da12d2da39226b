using LavaAccel.Llvm;
using LavaAccel.OpenCl;

namespace LavaAccel.Backends.OpenCl;

/// <summary>
/// <c>opencl/spir</c>: the package's SPIR bitcode (spir64, LLVM 15 format) handed to an OpenCL
/// device that ingests SPIR 1.2 (<c>cl_khr_spir</c>, PoCL here), which finishes the compile for
/// itself when the program is built. The artifact is the IR unchanged — re-encoding it with LLVM 19
/// would produce bitcode that an LLVM 15 runtime cannot read; the compile checks that it parses,
/// targets spir64 and defines the kernels.
/// </summary>
public sealed class OpenClSpirBackend : IBackend
{
    /// <summary>The target.</summary>
    public static readonly TargetId Spir = new("opencl", "spir", "");

    /// <summary>Bumped whenever the artifact changes.</summary>
    public const string Version = "lava-opencl-spir/1";

    private static readonly Lazy<string?> WhyNot = new(() =>
    {
        // Read without opening the device: kernels run in the worker, never in lava's process.
        var devices = OpenClDevice.Enumerate();
        return devices.Any(d => d.IngestsSpir) ? null
            : $"opencl/spir needs an OpenCL device with cl_khr_spir: {(devices.Count == 0 ? "no OpenCL runtime or platform (apt-get install pocl-opencl-icd)" : "none of this machine's takes SPIR")}";
    });

    /// <inheritdoc />
    public string Name => "opencl";

    /// <inheritdoc />
    public IReadOnlyList<TargetId> Targets { get; } = [Spir];

    /// <inheritdoc />
    public IEnumerable<TargetId> TargetsOn(LavaAccel.Devices.DeviceProfile device) =>
        device.Ingests.Contains("spir") && WhyNotRunnable(Spir) is null ? [Spir] : [];

    /// <inheritdoc />
    public string? WhyNotRunnable(TargetId target) => WhyNot.Value;

    /// <inheritdoc />
    public string Fingerprint(TargetId target) => string.Join('|', Version, "artifact:package-ir");

    /// <inheritdoc />
    public CompiledArtifact Compile(Package package, TargetId target)
    {
        var origin = $"package '{package.Manifest.Name}'";
        using var context = new LlvmContext();
        using (var module = PackageIr.Open(context, package))
        {
            if (!module.Triple.StartsWith("spir", StringComparison.Ordinal))
            {
                throw new LavaException($"{origin} IR targets '{module.Triple}', not SPIR: it cannot go to opencl/spir");
            }
            var kernels = module.Functions.Where(f => !f.IsDeclaration && f.CallingConvention == LlvmCallingConvention.SpirKernel).Select(f => f.Name).ToHashSet(StringComparer.Ordinal);
            foreach (var kernel in package.Manifest.Kernels)
            {
                if (!kernels.Contains(kernel.Name))
                {
                    throw new LavaException($"{origin} IR does not define kernel '{kernel.Name}'");
                }
            }
            return new CompiledArtifact(target, package.Ir, ".bc", package.Manifest.Kernels.ToDictionary(k => k.Name, _ => "device"));
        }
    }
}
