namespace LavaAccel.Llvm;

/// <summary>
/// Finds the IR constructs through which kernel code could leave the kernel: inline assembly
/// (system calls past every symbol check), indirect calls (OpenCL C has no function pointers; with
/// clang's <c>__cl_clang_function_pointers</c> a kernel could call bytes hidden in a constant or a
/// buffer made executable), module-level assembly, IFUNCs and constructors or destructors (code
/// run when the variant is loaded or unloaded, before the kernel's sandbox filter), and explicit
/// sections (a function pointer placed in <c>.init_array</c> is a constructor). Checked when a
/// package is made and again when it is compiled (packages can be made by hand).
/// </summary>
public static class KernelCodeAudit
{
    private static readonly string[] LoadTimeArrays = ["llvm.global_ctors", "llvm.global_dtors"];

    /// <summary>Why <paramref name="module"/> (from <paramref name="origin"/>, e.g. "package 'x'") is refused, as an error message; null when it passes.</summary>
    public static string? Refusal(LlvmModule module, string origin) =>
        FindForbidden(module) is { } construct ? $"{origin} uses {construct}, which kernels may not use: it could reach the system directly" : null;

    /// <summary>The first forbidden construct in <paramref name="module"/>, described for an error message; null when there is none.</summary>
    public static string? FindForbidden(LlvmModule module)
    {
        if (module.InlineAssembly.Trim().Length > 0)
        {
            return "module-level assembly (module asm)";
        }
        if (module.HasIFuncs)
        {
            return "an IFUNC (code run when the variant is loaded)";
        }
        foreach (var name in LoadTimeArrays)
        {
            if (module.GetGlobal(name).Exists)
            {
                return $"constructors or destructors ({name}: code run when the variant is loaded or unloaded)";
            }
        }
        foreach (var global in module.Globals.Concat(module.Functions))
        {
            if (global.Section.Length > 0)
            {
                return $"an explicit section ('{global.Section}' on '{global.Name}')";
            }
        }
        foreach (var function in module.Functions.Where(f => !f.IsDeclaration))
        {
            foreach (var instruction in function.Instructions.Where(i => i.IsCallLike))
            {
                if (instruction.CallsInlineAssembly)
                {
                    return $"inline assembly (asm, in '{function.Name}')";
                }
                if (!instruction.IsDirectCall)
                {
                    return $"an indirect call through a function pointer (in '{function.Name}')";
                }
            }
        }
        return null;
    }
}
