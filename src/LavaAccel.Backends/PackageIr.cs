using LavaAccel.Llvm;

namespace LavaAccel.Backends;

/// <summary>
/// Opens a package's LAVA IR for a backend: parsed (a damaged module is one error line) and
/// audited (<see cref="KernelCodeAudit"/>) — every LLVM backend compiles only IR that passed the
/// audit, whoever made the package.
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
}
