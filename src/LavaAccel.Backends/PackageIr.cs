using LavaAccel.Host;
using LavaAccel.Backends.Analysis;
using LavaAccel.Llvm;

namespace LavaAccel.Backends;

/// <summary>
/// Opens a package's LAVA IR for a backend: parsed (a damaged module is one error line), audited
/// (<see cref="KernelCodeAudit"/>) and held against the manifest (each kernel's arguments as the
/// IR declares them) — every LLVM backend compiles only IR that passed, whoever made the package.
/// </summary>
public static class PackageIr
{
    /// <summary>The package's IR in <paramref name="context"/>; throws a one-line error for damaged or forbidden IR.</summary>
    public static LlvmModule Open(LlvmContext context, Package package)
    {
        var origin = $"package '{package.Manifest.Name}'";
        LlvmModule module;
        try
        {
            module = context.ParseBitcode(package.Ir, $"{origin} IR");
        }
        catch (LlvmException e)
        {
            throw new LavaException(e.Message, e);
        }
        try
        {
            Audit(module, origin);
            CallsOnlyBuiltins(module, origin);
            Agree(package.Manifest, module, origin);
            return module;
        }
        catch
        {
            module.Dispose();
            throw;
        }
    }

    /// <summary>Throws naming the first construct through which code could leave the kernel.</summary>
    public static void Audit(LlvmModule module, string origin)
    {
        if (KernelCodeAudit.Refusal(module, origin) is { } refusal)
        {
            throw new LavaException(refusal);
        }
    }

    // Whatever runs the kernel (lava's CPU runtime, PoCL, the CUDA driver) resolves the functions it
    // calls: only OpenCL builtins (and printf) may be among them, never the C library's system().
    private static void CallsOnlyBuiltins(LlvmModule module, string origin)
    {
        foreach (var function in module.Functions.Where(f => f.IsDeclaration && f.Users.Count > 0))
        {
            var name = function.Name;
            if (name.StartsWith("llvm.", StringComparison.Ordinal) || name == "printf" || NativeRuntime.BuiltinNames.Contains(name)
                || Cpu.WorkItemBuiltins.All.Contains(name) || Cpu.WorkItemBuiltins.Barriers.Contains(name) || Cpu.WorkItemBuiltins.Fences.Contains(name))
            {
                continue;
            }
            var hint = name.StartsWith("_Z", StringComparison.Ordinal)
                ? "an OpenCL builtin the LavaAccel runtime library does not provide"
                : "not part of the LavaAccel runtime library; kernels may not call it";
            throw new LavaException($"{origin} calls '{name}', which is {hint}");
        }
    }

    // The runtime sizes and binds arguments from the manifest: it must say what the IR does.
    private static void Agree(Manifest manifest, LlvmModule module, string origin)
    {
        var declared = KernelSignatureReader.Read(module, origin).ToDictionary(k => k.Name, StringComparer.Ordinal);
        foreach (var kernel in manifest.Kernels)
        {
            if (!declared.TryGetValue(kernel.Name, out var ir))
            {
                throw new LavaException($"{origin}: its manifest names kernel '{kernel.Name}', which its IR does not define");
            }
            if (ir.Arguments.Count != kernel.Arguments.Count || module.GetFunction(kernel.Name).Parameters.Count != kernel.Arguments.Count)
            {
                throw new LavaException($"{origin}: its manifest gives kernel '{kernel.Name}' {kernel.Arguments.Count} arguments; its IR has {ir.Arguments.Count}");
            }
            for (var i = 0; i < ir.Arguments.Count; i++)
            {
                var (m, d) = (kernel.Arguments[i], ir.Arguments[i]);
                if (m.IsPointer != d.IsPointer || m.AddressSpace != d.AddressSpace || m.ElementType != d.ElementType || m.VectorWidth != d.VectorWidth)
                {
                    throw new LavaException($"{origin}: its manifest says argument '{m.Name}' of kernel '{kernel.Name}' is {Describe(m)}, its IR says {Describe(d)}");
                }
            }
        }
    }

    private static string Describe(KernelArgument a) =>
        $"{(a.IsPointer ? a.AddressSpace.ToString().ToLowerInvariant() + " " : "")}{a.ElementType.OpenClName()}{(a.VectorWidth > 1 ? a.VectorWidth.ToString(System.Globalization.CultureInfo.InvariantCulture) : "")}{(a.IsPointer ? "*" : "")}";
}
