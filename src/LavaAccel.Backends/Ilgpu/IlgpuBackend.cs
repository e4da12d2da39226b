using System.Text;
using LavaAccel.Ilgpu;

namespace LavaAccel.Backends.Ilgpu;

/// <summary>
/// C# kernels (packages with <c>il/kernels.dll</c>) through ILGPU: <c>ilgpu/cpu</c> — the assembly
/// itself, run by ILGPU's CPU accelerator (ILGPU compiles it through its IR when it is loaded);
/// <c>ilgpu/ptx-sm_70|80|90</c> — PTX from ILGPU's PTX backend, offline, no GPU needed;
/// <c>ilgpu/opencl</c> — OpenCL C 2.0 source from ILGPU's OpenCL backend, for devices ILGPU's
/// OpenCL accelerator accepts (OpenCL 2.0 with the generic address space).
/// </summary>
public sealed class IlgpuBackend : IBackend
{
    /// <summary>Bumped whenever the artifacts change.</summary>
    public const string Version = "lava-ilgpu/1";

    /// <summary>ILGPU's CPU accelerator.</summary>
    public static readonly TargetId Cpu = new("ilgpu", "cpu", "");

    /// <summary>OpenCL C from ILGPU.</summary>
    public static readonly TargetId OpenCl = new("ilgpu", "opencl", "");

    private static readonly Lazy<(int? Sm, string? Why)> Gpu = new(GpuHere.Describe);

    /// <inheritdoc />
    public string Name => "ilgpu";

    /// <inheritdoc />
    public IReadOnlyList<TargetId> Targets { get; } =
        [Cpu, .. IlgpuCodeGenerator.Sms.Select(sm => new TargetId("ilgpu", $"ptx-sm_{sm}", "")), OpenCl];

    /// <inheritdoc />
    public bool Accepts(Package package) => package.IsIlgpu;

    /// <inheritdoc />
    public string InputLanguage => "csharp";

    /// <inheritdoc />
    /// <remarks>ILGPU's CPU accelerator on this machine's CPU; its PTX on NVIDIA GPUs of that SM or newer; its OpenCL C on OpenCL 2.0 devices it accepts.</remarks>
    public IEnumerable<TargetId> TargetsOn(LavaAccel.Devices.DeviceProfile device)
    {
        IEnumerable<TargetId> candidates =
            device.Kind == "cpu" && device.Ingests.Contains("llvm-bitcode") ? [Cpu]
            : Nvptx.NvptxBackend.Sm(device) is { } sm ? Targets.Where(t => SmOf(t) <= sm)
            : device.Ingests.Contains("opencl-c") ? [OpenCl]
            : [];
        return candidates.Where(t => WhyNotRunnable(t) is null);
    }

    /// <inheritdoc />
    public string? DeviceKind(TargetId target) => target == Cpu ? "cpu" : SmOf(target) is not null ? "gpu" : null;

    /// <summary>The SM of an <c>ilgpu/ptx-sm_XX</c> target, or null.</summary>
    public static int? SmOf(TargetId target) =>
        target.Backend == "ilgpu" && target.Arch.StartsWith("ptx-sm_", StringComparison.Ordinal)
            ? int.Parse(target.Arch["ptx-sm_".Length..], System.Globalization.CultureInfo.InvariantCulture)
            : null;

    /// <inheritdoc />
    public string? WhyNotRunnable(TargetId target)
    {
        if (target == Cpu)
        {
            return null;
        }
        if (target == OpenCl)
        {
            return "ilgpu/opencl needs an OpenCL 2.0 device with the generic address space, which ILGPU's OpenCL accelerator requires (PoCL 3.1 here lacks it); the OpenCL C is still generated";
        }
        var (sm, why) = Gpu.Value;
        return sm is null ? why : sm < SmOf(target) ? $"this GPU is sm_{sm}, older than {target}" : null;
    }

    /// <inheritdoc />
    public string Fingerprint(TargetId target) => string.Join('|', Version, target.Arch, "ilgpu:" + IlgpuCodeGenerator.IlgpuVersion);

    /// <inheritdoc />
    public CompiledArtifact Compile(Package package, TargetId target)
    {
        if (!Targets.Contains(target))
        {
            throw new LavaException($"unknown ILGPU target '{target}'");
        }
        var origin = $"package '{package.Manifest.Name}'";
        var il = package.Il;
        using var assembly = IlgpuAssembly.Load(il, origin);
        var modes = package.Manifest.Kernels.ToDictionary(k => k.Name, _ => "ilgpu");
        if (target == Cpu)
        {
            // Loading every kernel on the CPU accelerator is what compiling means for it: ILGPU
            // refuses here what it would refuse at run time.
            IlgpuCodeGenerator.CheckCpu(assembly);
            return new CompiledArtifact(target, il, ".dll", modes);
        }
        var text = target == OpenCl ? IlgpuCodeGenerator.OpenClC(assembly) : IlgpuCodeGenerator.Ptx(assembly, SmOf(target)!.Value);
        return new CompiledArtifact(target, Encoding.UTF8.GetBytes(text), target == OpenCl ? ".cl" : ".ptx", modes);
    }
}
