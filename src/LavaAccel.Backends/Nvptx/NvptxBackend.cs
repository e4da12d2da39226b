using System.Security.Cryptography;
using LavaAccel.Llvm;

namespace LavaAccel.Backends.Nvptx;

/// <summary>
/// <c>nvptx/sm_70</c>, <c>nvptx/sm_80</c>, <c>nvptx/sm_90</c>: PTX from LAVA IR with LLVM 19's NVPTX
/// backend. The IR is retargeted (<see cref="NvptxRetargeting"/>), linked with libclc-19's
/// nvptx64 builtins (opened lazily), non-kernel functions made internal, optimised at O3 and
/// printed as PTX with one <c>.entry</c> per kernel. A builtin libclc does not implement for NVPTX
/// fails the compile for these targets with its name; other targets still build.
/// </summary>
public sealed class NvptxBackend : IBackend
{

    /// <summary>The libclc library for NVPTX (Debian's libclc-19).</summary>
    public const string Libclc = "/usr/lib/clc/nvptx64--nvidiacl.bc";

    /// <summary>Bumped whenever the generated PTX changes.</summary>
    public const string Version = "lava-nvptx/1";

    private static readonly Lazy<string> LibclcDigest = new(() =>
        File.Exists(Libclc) ? Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(Libclc)))[..16] : "missing");

    /// <inheritdoc />
    public string Name => "nvptx";

    /// <inheritdoc />
    public IReadOnlyList<TargetId> Targets { get; } = [new("nvptx", "sm_70", ""), new("nvptx", "sm_80", ""), new("nvptx", "sm_90", "")];

    /// <inheritdoc />
    public IEnumerable<TargetId> TargetsOn(LavaAccel.Devices.DeviceProfile device) =>
        Sm(device) is { } sm ? Targets.Where(t => SmOf(t) <= sm && WhyNotRunnable(t) is null) : [];

    /// <inheritdoc />
    public string? DeviceKind(TargetId target) => "gpu";

    /// <summary>The SM number of an NVIDIA GPU's profile (<c>sm_90</c> → 90), or null for other devices.</summary>
    public static int? Sm(LavaAccel.Devices.DeviceProfile device) =>
        device.Kind == "gpu" && device.Isa.Arch is { } arch && arch.StartsWith("sm_", StringComparison.Ordinal)
        && int.TryParse(arch[3..], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var sm) ? sm : null;

    private static int SmOf(TargetId target) => int.Parse(target.Arch["sm_".Length..], System.Globalization.CultureInfo.InvariantCulture);

    private static readonly Lazy<(int? Sm, string? Why)> Gpu = new(GpuHere.Describe);

    /// <inheritdoc />
    public string? WhyNotRunnable(TargetId target)
    {
        var (sm, why) = Gpu.Value;
        if (sm is null)
        {
            return why;
        }
        return sm < SmOf(target) ? $"this GPU is sm_{sm}, older than {target}" : null;
    }

    /// <inheritdoc />
    public string Fingerprint(TargetId target) =>
        string.Join('|', Version, NvptxRetargeting.Triple, target.Arch, "llvm:" + LlvmLibrary.Identity, "libclc:" + LibclcDigest.Value);

    /// <inheritdoc />
    public CompiledArtifact Compile(Package package, TargetId target)
    {
        if (!Targets.Contains(target))
        {
            throw new LavaException($"unknown NVPTX target '{target}'");
        }
        var origin = $"package '{package.Manifest.Name}'";
        using var machine = new LlvmTargetMachine(NvptxRetargeting.Triple, target.Arch, "");
        using var context = new LlvmContext();
        string text;
        using (var spir = PackageIr.Open(context, package))
        {
            text = spir.ToString();
        }
        var (rewritten, locals) = NvptxRetargeting.Rewrite(text);
        using var module = Guard(() => context.ParseIr(rewritten, $"{origin} IR for NVPTX"));
        var kernels = module.Functions.Where(f => !f.IsDeclaration && f.CallingConvention == LlvmCallingConvention.PtxKernel).Select(f => f.Name).ToHashSet(StringComparer.Ordinal);
        if (kernels.Count == 0)
        {
            throw new LavaException($"{origin} IR defines no kernels");
        }
        if (!File.Exists(Libclc))
        {
            throw new LavaException($"{target} needs libclc's NVPTX builtins ({Libclc}; apt-get install libclc-19)");
        }
        using (var library = Guard(() => context.OpenBitcodeLazily(File.ReadAllBytes(Libclc), "libclc (nvptx64)")))
        {
            foreach (var function in library.Functions.Where(f => !f.IsDeclaration))
            {
                function.Linkage = LlvmLinkage.LinkOnceOdr;
            }
            library.Triple = NvptxRetargeting.Triple; // same code; its triple only names another OS

            Guard(() => { module.Link(library); return 0; });
        }
        foreach (var function in module.Functions.Where(f => !f.IsDeclaration && !kernels.Contains(f.Name)))
        {
            function.Linkage = LlvmLinkage.Internal;
        }
        Guard(() => { module.RunPasses("globaldce"); return 0; });
        var missing = module.Functions.Where(f => f.IsDeclaration && !f.Name.StartsWith("llvm.", StringComparison.Ordinal)).Select(f => f.Name).ToArray();
        if (missing.Length > 0)
        {
            throw new LavaException($"{origin} calls {string.Join(", ", missing.Take(5).Select(m => $"'{m}'"))}, which has no NVPTX implementation (libclc-19); the kernel cannot be compiled for {target}");
        }
        Guard(() => { module.Verify(); return 0; });
        Guard(() => { module.RunPasses("default<O3>", machine); return 0; });
        var ptx = Guard(() => machine.EmitAssembly(module));
        var modes = kernels.ToDictionary(k => k, k => locals.TryGetValue(k, out var l) && l.Count > 0 ? $"ptx, dynamic shared: {string.Join(",", l)}" : "ptx");
        return new CompiledArtifact(target, System.Text.Encoding.UTF8.GetBytes(ptx), ".ptx", modes);
    }

    private static T Guard<T>(Func<T> step)
    {
        try
        {
            return step();
        }
        catch (LlvmException e)
        {
            throw new LavaException(e.Message, e);
        }
    }
}
