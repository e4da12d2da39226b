using System.Text;
using System.Text.RegularExpressions;

namespace LavaAccel.Backends.Nvptx;

/// <summary>
/// LAVA IR (spir64) → NVPTX IR, as a rewrite of the module's text (LLVM-C cannot change the
/// address space of existing values; DESIGN.md suggests a C++ helper — this is the thinner layer,
/// and one a helper could replace):
/// <list type="bullet">
/// <item>triple and data layout;</item>
/// <item>address spaces: SPIR generic (4) → NVPTX generic (0); SPIR constant (2) → global (1), because
/// __constant kernel arguments are device memory, not the .const bank; global (1) and local (3)
/// agree; private (0) is generic on NVPTX. Mangled builtin names follow (U3AS4 → none,
/// U3AS2 → U3AS1), so they match libclc's nvptx64 library;</item>
/// <item>calling conventions: spir_kernel → ptx_kernel (marks the .entry), spir_func → default;</item>
/// <item>__local pointer arguments → byte offsets into dynamic shared memory
/// (<c>__lava_dynamic_shared</c>): the launcher passes each one's offset and the total size;</item>
/// <item>work_group_barrier → barrier (libclc has the latter);</item>
/// <item>native_exp, native_log, native_sin … → their precise forms: libclc maps the native ones to
/// LLVM intrinsics (llvm.exp …) that the NVPTX backend cannot lower without libdevice.</item>
/// </list>
/// </summary>
internal static partial class NvptxRetargeting
{
    public const string Triple = "nvptx64-nvidia-cuda";
    public const string DataLayout = "e-i64:64-i128:128-v16:16-v32:32-n16:32:64";
    public const string DynamicShared = "__lava_dynamic_shared";

    [GeneratedRegex(@"^target triple = .*$", RegexOptions.Multiline)]
    private static partial Regex TripleLine();

    [GeneratedRegex(@"^target datalayout = .*$", RegexOptions.Multiline)]
    private static partial Regex LayoutLine();

    [GeneratedRegex(@"ptr addrspace\(3\)[^,%]*%([\w.$-]+)")]
    private static partial Regex LocalParameter();

    [GeneratedRegex(@"^[\w.$-]+:")]
    private static partial Regex Label();

    [GeneratedRegex(@"_Z(\d+)native_(exp|exp2|exp10|log|log2|log10|powr|sin|cos|tan|sqrt|rsqrt)(?=[fdD])")]
    private static partial Regex NativeMath();

    /// <summary>The rewritten module text, and the __local parameters of each kernel in order.</summary>
    public static (string Text, IReadOnlyDictionary<string, IReadOnlyList<string>> LocalParameters) Rewrite(string module)
    {
        var text = TripleLine().Replace(module, $"target triple = \"{Triple}\"");
        text = LayoutLine().Replace(text, $"target datalayout = \"{DataLayout}\"");
        text = text.Replace("U3AS4", "", StringComparison.Ordinal).Replace("addrspace(4)", "addrspace(0)", StringComparison.Ordinal)
            .Replace("U3AS2", "U3AS1", StringComparison.Ordinal).Replace("addrspace(2)", "addrspace(1)", StringComparison.Ordinal)
            .Replace("spir_kernel", "ptx_kernel", StringComparison.Ordinal).Replace("spir_func ", "", StringComparison.Ordinal)
            .Replace("_Z18work_group_barrierj(", "_Z7barrierj(", StringComparison.Ordinal);
        text = NativeMath().Replace(text, m => $"_Z{int.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture) - 7}{m.Groups[2].Value}");

        var locals = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
        var lines = text.Split('\n');
        var output = new StringBuilder(text.Length + 256);
        for (var i = 0; i < lines.Length; i++)
        {
            var line = lines[i];
            if (!line.StartsWith("define ", StringComparison.Ordinal) || !line.Contains("ptx_kernel", StringComparison.Ordinal))
            {
                output.Append(line).Append('\n');
                continue;
            }
            var names = new List<string>();
            var header = LocalParameter().Replace(line, m =>
            {
                names.Add(m.Groups[1].Value);
                return $"i64 %{m.Groups[1].Value}.lava_offset";
            });
            var kernel = KernelName(line);
            locals[kernel] = names;
            output.Append(header).Append('\n');
            if (names.Count == 0)
            {
                continue;
            }
            // The pointers are made first thing in the entry block (after its label, if it has one).
            if (i + 1 < lines.Length && Label().IsMatch(lines[i + 1]))
            {
                output.Append(lines[++i]).Append('\n');
            }
            foreach (var name in names)
            {
                output.Append($"  %{name} = getelementptr inbounds i8, ptr addrspace(3) @{DynamicShared}, i64 %{name}.lava_offset\n");
            }
        }
        if (locals.Values.Any(l => l.Count > 0))
        {
            output.Append($"@{DynamicShared} = external addrspace(3) global [0 x i8], align 16\n");
        }
        return (output.ToString(), locals);
    }

    private static string KernelName(string define)
    {
        var at = define.IndexOf('@', StringComparison.Ordinal);
        var end = define.IndexOf('(', at);
        return define[(at + 1)..end].Trim('"');
    }
}
