namespace LavaAccel.Llvm;

/// <summary>
/// Finds the IR constructs through which kernel code could leave the kernel: inline assembly
/// (system calls past every symbol check), indirect calls (OpenCL C has no function pointers; with
/// clang's <c>__cl_clang_function_pointers</c> a kernel could call bytes hidden in a constant or a
/// buffer made executable), module-level assembly, IFUNCs and constructors or destructors (code
/// run when the variant is loaded or unloaded, before the kernel's sandbox filter), and explicit
/// sections (a function pointer placed in <c>.init_array</c> is a constructor), prologue or prefix
/// data (machine code placed before a function), personality and GC functions, <c>indirectbr</c>,
/// and intrinsics outside an allowlist of computational ones (<c>llvm.experimental.patchpoint</c>,
/// <c>llvm.eh.sjlj.longjmp</c>, <c>llvm.write_register</c> … move control anywhere). Checked when a
/// package is made and again when it is compiled (packages can be made by hand).
/// </summary>
public static class KernelCodeAudit
{
    private static readonly string[] LoadTimeArrays = ["llvm.global_ctors", "llvm.global_dtors"];

    // Intrinsics that compute (memory, arithmetic, math, bit operations, vector reductions,
    // hints to the optimiser); a name matches when it is one of these or one of these plus '.'.
    private static readonly string[] AllowedIntrinsics =
    [
        "llvm.memcpy", "llvm.memmove", "llvm.memset", "llvm.lifetime.start", "llvm.lifetime.end",
        "llvm.assume", "llvm.expect", "llvm.dbg", "llvm.experimental.noalias.scope.decl",
        "llvm.invariant.start", "llvm.invariant.end", "llvm.launder.invariant.group", "llvm.strip.invariant.group",
        "llvm.fmuladd", "llvm.fma", "llvm.fabs", "llvm.sqrt", "llvm.sin", "llvm.cos", "llvm.tan", "llvm.exp", "llvm.exp2",
        "llvm.exp10", "llvm.log", "llvm.log2", "llvm.log10", "llvm.pow", "llvm.powi", "llvm.floor", "llvm.ceil",
        "llvm.trunc", "llvm.rint", "llvm.nearbyint", "llvm.round", "llvm.roundeven", "llvm.lround", "llvm.llround",
        "llvm.lrint", "llvm.llrint", "llvm.minnum", "llvm.maxnum", "llvm.minimum", "llvm.maximum", "llvm.copysign",
        "llvm.canonicalize", "llvm.is.fpclass", "llvm.frexp", "llvm.ldexp", "llvm.fptosi.sat", "llvm.fptoui.sat",
        "llvm.smax", "llvm.smin", "llvm.umax", "llvm.umin", "llvm.abs", "llvm.ctpop", "llvm.ctlz", "llvm.cttz",
        "llvm.bswap", "llvm.bitreverse", "llvm.fshl", "llvm.fshr", "llvm.sadd.with.overflow", "llvm.uadd.with.overflow",
        "llvm.ssub.with.overflow", "llvm.usub.with.overflow", "llvm.smul.with.overflow", "llvm.umul.with.overflow",
        "llvm.sadd.sat", "llvm.uadd.sat", "llvm.ssub.sat", "llvm.usub.sat", "llvm.sshl.sat", "llvm.ushl.sat",
        "llvm.vector.reduce", "llvm.experimental.vector", "llvm.vector.insert", "llvm.vector.extract",
        "llvm.masked.load", "llvm.masked.store", "llvm.masked.gather", "llvm.masked.scatter",
        "llvm.experimental.constrained", "llvm.is.constant", "llvm.objectsize", "llvm.ptrmask",
        "llvm.threadlocal.address", "llvm.prefetch", "llvm.trap", "llvm.debugtrap", "llvm.annotation",
        "llvm.var.annotation", "llvm.ptr.annotation", "llvm.convert.to.fp16", "llvm.convert.from.fp16",
    ];

    private static readonly string[] ForbiddenFunctionParts = [" prologue ", " prefix ", " personality ", " gc \""];

    // Function attributes that make the code generator emit a call to a function the attribute
    // names (stack probes, instrumentation, mcount, XRay, split stacks) or patch code in: a call
    // the audit would never see as an instruction.
    private static readonly string[] ForbiddenAttributes =
        ["\"probe-stack\"", "\"instrument-function-", "\"fentry-call\"", "\"xray-", "\"function-instrument\"", "\"split-stack\"", "\"patchable-function", "\"mcount\"", "\"counting-function\""];

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
        if (module.Aliases is [var alias, ..])
        {
            return $"an alias ('{alias.Name}')";
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
        var text = module.ToString().Split('\n');
        // Attributes live in attribute groups at the end of the printed module (and inline on calls).
        foreach (var line in text.Where(l => l.StartsWith("attributes #", StringComparison.Ordinal) || l.Contains(" call ", StringComparison.Ordinal)))
        {
            if (ForbiddenAttributes.FirstOrDefault(a => line.Contains(a, StringComparison.Ordinal)) is { } attribute)
            {
                return $"the function attribute {attribute.Trim('"')} (it makes the code generator call a function it names)";
            }
        }
        // Prologue and prefix data, personality and GC functions exist only in a definition's header line.
        foreach (var header in text.Where(l => l.StartsWith("define ", StringComparison.Ordinal)))
        {
            if (ForbiddenFunctionParts.FirstOrDefault(part => header.Contains(part, StringComparison.Ordinal)) is { } part)
            {
                return $"a function with {part.Trim().Trim('"').Trim()} data or handlers ('{header[..Math.Min(header.Length, 120)]}')";
            }
        }
        foreach (var function in module.Functions.Where(f => !f.IsDeclaration))
        {
            foreach (var instruction in function.Instructions)
            {
                if (instruction.Opcode == IndirectBranch)
                {
                    return $"an indirect branch (indirectbr, in '{function.Name}')";
                }
                if (!instruction.IsCallLike)
                {
                    continue;
                }
                if (instruction.CallsInlineAssembly)
                {
                    return $"inline assembly (asm, in '{function.Name}')";
                }
                if (!instruction.IsDirectCall)
                {
                    return $"an indirect call through a function pointer (in '{function.Name}')";
                }
                var callee = instruction.DirectCallee.Name;
                if (callee.StartsWith("llvm.", StringComparison.Ordinal) && !IsAllowedIntrinsic(callee))
                {
                    return $"the intrinsic '{callee}' (in '{function.Name}'), which can move control anywhere";
                }
            }
        }
        return null;
    }

    private const int IndirectBranch = 4; // LLVMIndirectBr

    /// <summary>Whether <paramref name="name"/> is one of the computational intrinsics kernels may call.</summary>
    public static bool IsAllowedIntrinsic(string name) =>
        AllowedIntrinsics.Any(allowed => name == allowed || name.StartsWith(allowed + ".", StringComparison.Ordinal));
}
