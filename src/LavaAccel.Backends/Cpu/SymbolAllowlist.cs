using LavaAccel.Llvm;

namespace LavaAccel.Backends.Cpu;

/// <summary>
/// Security by construction: after linking the builtins, a kernel may call only LLVM intrinsics,
/// the host runtime, and the C-library math functions the builtins themselves call. Anything
/// else (<c>open</c>, <c>socket</c>, <c>fork</c> …) is refused before code generation.
/// </summary>
internal static class SymbolAllowlist
{
    private static readonly HashSet<string> Runtime = new(StringComparer.Ordinal) { "__lava_barrier", "__lava_run_fibers", "__lava_context", "__lava_wg_scratch", "__lava_printf" };

    /// <summary>The external functions the builtins library declares (its own needs).</summary>
    internal static HashSet<string> FromBuiltins(LlvmModule builtins) =>
        builtins.Functions.Where(f => f.IsDeclaration).Select(f => f.Name).Where(n => !n.StartsWith("llvm.", StringComparison.Ordinal)).ToHashSet(StringComparer.Ordinal);

    /// <summary>Throws naming the first symbol outside the allowlist.</summary>
    internal static void Check(LlvmModule module, IReadOnlySet<string> builtinNeeds, string origin)
    {
        // Inline assembly, indirect calls and load-time code were refused when the IR was opened (PackageIr).
        foreach (var function in module.Functions)
        {
            if (!function.IsDeclaration || function.Users.Count == 0)
            {
                continue;
            }
            var name = function.Name;
            if (name.StartsWith("llvm.", StringComparison.Ordinal) || Runtime.Contains(name) || builtinNeeds.Contains(name))
            {
                continue;
            }
            var hint = name.StartsWith("_Z", StringComparison.Ordinal)
                ? "an OpenCL builtin the LavaAccel runtime library does not provide"
                : "not part of the LavaAccel runtime library; kernels may not call it";
            throw new LavaException($"{origin} calls '{name}', which is {hint}");
        }
        foreach (var global in module.Globals)
        {
            if (global.IsDeclaration && global.Users.Count > 0)
            {
                throw new LavaException($"{origin} refers to external variable '{global.Name}', which kernels may not use");
            }
        }
    }
}
