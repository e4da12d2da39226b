using LavaAccel.Host;
using System.Diagnostics;
using LavaAccel.Llvm;

namespace LavaAccel.Backends.Cpu;

/// <summary>LAVA IR → native shared objects for x86-64 and AArch64, with LLVM 19 in-process.</summary>
public sealed class CpuBackend : IBackend
{

    /// <inheritdoc />
    public string Name => "cpu";

    /// <inheritdoc />
    public IReadOnlyList<TargetId> Targets { get; } = CpuTargets.All.Select(t => t.Id).ToArray();

    /// <inheritdoc />
    /// <remarks>On this machine's CPU (the device lava's CPU backend feeds LLVM bitcode): every tier it runs natively, and the AArch64 models under qemu-user.</remarks>
    public IEnumerable<TargetId> TargetsOn(LavaAccel.Devices.DeviceProfile device) =>
        device.Kind == "cpu" && device.Ingests.Contains("llvm-bitcode")
            ? CpuTargets.All.Where(t => CpuTargets.WhyNotRunnable(t) is null).Select(t => t.Id)
            : [];

    /// <inheritdoc />
    public string? DeviceKind(TargetId target) => "cpu";

    /// <inheritdoc />
    void IBackend.ConfigureProcess(TargetId target) => ConfigureProcess(target);

    /// <inheritdoc />
    public string? WhyNotRunnable(TargetId target) =>
        CpuTargets.WhyNotRunnable(CpuTargets.Find(target) ?? throw new LavaException($"unknown CPU target '{target}'"));

    /// <summary>Bumped whenever the lowering changes what it generates.</summary>
    public const string Version = "lava-cpu/2";

    /// <inheritdoc />
    public string Fingerprint(TargetId target)
    {
        var cpuTarget = CpuTargets.Find(target) ?? throw new LavaException($"unknown CPU target '{target}'");
        var cpu = cpuTarget.Cpu == "native" ? "native:" + HostCpu.Identity : cpuTarget.Cpu;
        return string.Join('|', cpuTarget.Triple, cpu, cpuTarget.Features, cpuTarget.VectorBits, Version,
            "llvm:" + LavaAccel.Llvm.LlvmLibrary.Identity, "runtime:" + NativeRuntime.Digest(cpuTarget.Arch),
            "barriers:" + BarrierModeSetting, "llvm-options:" + Environment.GetEnvironmentVariable("LAVA_LLVM_OPTIONS"));
    }

    /// <inheritdoc />
    public CompiledArtifact Compile(Package package, TargetId target)
    {
        var trace = new CompileTrace();
        var cpuTarget = CpuTargets.Find(target) ?? throw new LavaException($"unknown CPU target '{target}'");
        var origin = $"package '{package.Manifest.Name}'";
        var (cpu, features) = CpuTargets.Resolve(cpuTarget);
        using var machine = new LlvmTargetMachine(cpuTarget.Triple, cpu, features);
        using var context = new LlvmContext();
        using var module = PackageIr.Open(context, package);
        // The builtins library has ~10,000 functions; a kernel uses a handful. Opened lazily and
        // made link-once, only the referenced ones are read and linked. The conversions (5,400 of
        // them) are opened only for kernels that convert.
        var libraries = new List<LlvmModule> { OpenLibrary(context, NativeRuntime.BuiltinsBitcode, "the builtins library") };
        if (module.Functions.Any(f => f.IsDeclaration && f.Name.Contains("convert_", StringComparison.Ordinal)))
        {
            libraries.Add(OpenLibrary(context, NativeRuntime.ConversionsBitcode, "the conversions library"));
        }
        var builtinNeeds = libraries.SelectMany(SymbolAllowlist.FromBuiltins).ToHashSet(StringComparer.Ordinal);

        trace.Mark("parse");
        var kernels = module.Functions.Where(f => !f.IsDeclaration && f.CallingConvention == LlvmCallingConvention.SpirKernel).Select(f => f.Name).ToArray();
        if (kernels.Length == 0)
        {
            throw new LavaException($"{origin} IR defines no kernels");
        }
        foreach (var library in libraries)
        {
            try
            {
                module.Link(library);
            }
            catch (LlvmException e)
            {
                throw new LavaException($"{origin}: {e.Message} (does the kernel define a function with an OpenCL builtin's name?)", e);
            }
            finally
            {
                library.Dispose();
            }
        }
        trace.Mark("link builtins");
        SpirRetargeting.Apply(module, machine);
        // OpenCL printf → the host runtime's, which writes to the runner's stderr.
        if (module.GetFunction("printf") is { Exists: true, IsDeclaration: true } printf)
        {
            printf.Name = "__lava_printf";
        }
        InlineEverythingIntoKernels(module, kernels, origin);

        trace.Mark("retarget+inline");
        var modes = new SortedDictionary<string, string>(StringComparer.Ordinal);
        using (var builder = context.CreateBuilder())
        {
            var lowering = new WorkGroupLowering(module, builder);
            var plans = kernels.Select(name => lowering.Prepare(module.GetFunction(name), BarrierModeSetting)).ToList();
            if (plans.Any(p => p.Mode == KernelMode.Regions))
            {
                // reg2mem before each step: no phi nodes to repair when blocks split, and every value
                // crossing a barrier ends up in an alloca, which becomes per-work-item context.
                foreach (var plan in plans.Where(p => p.Mode == KernelMode.Regions))
                {
                    Rematerializer.Apply(plan.Body, plan.Body.Parameters[plan.ParameterTypes.Count + 3], builder);
                }
                Run(() => module.RunPasses("function(reg2mem)"), origin);
                foreach (var plan in plans.Where(p => p.Mode == KernelMode.Regions))
                {
                    BarrierRegions.SplitAtBarriers(module, builder, plan.Body);
                    Rematerializer.Apply(plan.Body, plan.Body.Parameters[plan.ParameterTypes.Count + 3], builder);
                }
                Run(() => module.RunPasses("function(reg2mem)"), origin);
                plans = plans.Select(p => p.Mode == KernelMode.Regions ? BarrierRegions.MakeResumable(module, builder, p) : p).ToList();
            }
            foreach (var plan in plans)
            {
                lowering.Finish(plan);
                modes[plan.Name] = plan.ModeName;
            }
        }
        // __local variables: one copy per thread, shared by the work-items of the group on it.
        foreach (var global in module.Globals.Where(g => g.Type.AddressSpace == 3))
        {
            global.MakeThreadLocal();
        }
        DumpIr(module, "lowered");
        SymbolAllowlist.Check(module, builtinNeeds, origin);
        if (cpuTarget.VectorBits > 0 && cpuTarget.Arch == "x86_64")
        {
            var width = cpuTarget.VectorBits.ToString(System.Globalization.CultureInfo.InvariantCulture);
            foreach (var function in module.Functions.Where(f => !f.IsDeclaration))
            {
                function.AddFunctionAttribute(context, "prefer-vector-width", width);
                function.AddFunctionAttribute(context, "min-legal-vector-width", width);
            }
        }
        trace.Mark("lower");
        Run(() => module.Verify(), origin);
        Run(() => module.RunPasses("default<O3>", machine), origin);
        trace.Mark("O3");
        DumpIr(module, "optimized");
        var objectCode = Run(() => machine.EmitObject(module), origin);
        trace.Mark("codegen");

        var work = Directory.CreateTempSubdirectory("lava-link-");
        try
        {
            var shared = SharedObjectLinker.Link(objectCode, cpuTarget.Arch, work.FullName);
            trace.Mark("ld.lld");
            trace.Report();
            return new CompiledArtifact(target, shared, ".so", modes);
        }
        finally
        {
            work.Delete(recursive: true);
        }
    }

    private static int _configured;

    private static BarrierMode BarrierModeSetting =>
        Environment.GetEnvironmentVariable("LAVA_BARRIERS") == "fibers" ? BarrierMode.Fibers : BarrierMode.Regions;

    /// <summary>Sets process-wide LLVM options a compile worker needs (vector math library).</summary>
    public static void ConfigureProcess(TargetId target)
    {
        // LLVM's options may be given once per process.
        if (Interlocked.Exchange(ref _configured, 1) == 1)
        {
            return;
        }
        // LAVA_LLVM_OPTIONS adds LLVM command-line options, for experiments with the optimiser.
        var extra = (Environment.GetEnvironmentVariable("LAVA_LLVM_OPTIONS") ?? "").Split(' ', StringSplitOptions.RemoveEmptyEntries);
        // No runtime unrolling: the loops left inside a work-item (a CSR row, a dot product) are
        // short, and unroll-by-8 with a remainder loop cost spmv 20 % and sgemm-naive 15 % against
        // PoCL (docs/performance.md); the work-item loops themselves are vectorised, not unrolled.
        LlvmTargetMachine.SetGlobalOptions(["-unroll-runtime=false", .. target.Arch == "x86_64" ? ["-vector-library=LIBMVEC-X86"] : Array.Empty<string>(), .. extra]);
    }

    // LAVA_DUMP_IR=DIR writes the IR after lowering and after optimisation, for backend debugging.
    private static void DumpIr(LlvmModule module, string stage)
    {
        var directory = Environment.GetEnvironmentVariable("LAVA_DUMP_IR");
        if (!string.IsNullOrEmpty(directory))
        {
            Directory.CreateDirectory(directory);
            File.WriteAllText(Path.Combine(directory, $"{stage}.ll"), module.ToString());
        }
    }

    private static LlvmModule OpenLibrary(LlvmContext context, string path, string what)
    {
        var library = context.OpenBitcodeLazily(File.ReadAllBytes(path), what);
        foreach (var function in library.Functions.Where(f => !f.IsDeclaration))
        {
            function.Linkage = LlvmLinkage.LinkOnceOdr;
        }
        return library;
    }

    private static T Run<T>(Func<T> step, string origin)
    {
        try
        {
            return step();
        }
        catch (LlvmException e)
        {
            throw new LavaException($"{origin}: {e.Message}", e);
        }
    }

    private static void Run(Action step, string origin) => Run(() => { step(); return 0; }, origin);

    // OpenCL forbids recursion, so inlining every helper into its kernels always terminates; it
    // lets the work-item functions be rewritten in one place per kernel.
    private static void InlineEverythingIntoKernels(LlvmModule module, string[] kernels, string origin)
    {
        var kernelSet = kernels.ToHashSet(StringComparer.Ordinal);
        var context = module.Context;
        foreach (var function in module.Functions.Where(f => !f.IsDeclaration))
        {
            function.RemoveFunctionAttribute("noinline");
            function.RemoveFunctionAttribute("optnone");
            if (kernelSet.Contains(function.Name))
            {
                continue;
            }
            function.Linkage = LlvmLinkage.Internal;
            function.AddFunctionAttribute(context, "alwaysinline");
        }
        Run(() => module.RunPasses("always-inline,globaldce"), origin);
        foreach (var name in kernels)
        {
            var calledKernel = module.GetFunction(name).Users.FirstOrDefault(u => u.IsCall);
            if (calledKernel.Exists)
            {
                throw new LavaException($"{origin}: kernel '{name}' is called from another kernel, which the CPU backend does not support yet");
            }
            var remaining = module.GetFunction(name).Instructions.FirstOrDefault(i => i.IsCall && i.CalledFunction is { Exists: true, IsDeclaration: false });
            if (remaining.Exists)
            {
                throw new LavaException($"{origin}: kernel '{name}' calls '{remaining.CalledFunction.Name}' recursively; OpenCL C forbids recursion");
            }
        }
        Debug.Assert(kernels.All(k => module.GetFunction(k).Exists));
    }
}
