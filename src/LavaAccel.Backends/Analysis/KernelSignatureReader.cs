using System.Globalization;
using LavaAccel.Llvm;

namespace LavaAccel.Backends.Analysis;

/// <summary>Reads kernel signatures from the <c>kernel_arg_*</c> metadata clang attaches to SPIR kernels.</summary>
public static partial class KernelSignatureReader
{
    /// <summary>All kernels of a module, in definition order.</summary>
    public static IReadOnlyList<KernelSignature> Read(LlvmModule module, string origin)
    {
        var kernels = new List<KernelSignature>();
        foreach (var function in module.Functions)
        {
            if (function.IsDeclaration || function.CallingConvention != LlvmCallingConvention.SpirKernel)
            {
                continue;
            }
            kernels.Add(ReadKernel(module.Context, function, origin));
        }
        return kernels;
    }

    private static KernelSignature ReadKernel(LlvmContext context, LlvmValue function, string origin)
    {
        var name = function.Name;
        var spaces = function.GetMetadataStrings(context, "kernel_arg_addr_space") ?? [];
        // kernel_arg_type keeps OpenCL spellings (float4*); kernel_arg_base_type resolves user
        // typedefs (but spells vectors as ext_vector_type): try the first, fall back to the second.
        var types = function.GetMetadataStrings(context, "kernel_arg_type") ?? [];
        var baseTypes = function.GetMetadataStrings(context, "kernel_arg_base_type") ?? types;
        var qualifiers = function.GetMetadataStrings(context, "kernel_arg_type_qual") ?? [];
        var names = function.GetMetadataStrings(context, "kernel_arg_name") ?? [];
        var count = function.Parameters.Count;
        if (spaces.Count != count || types.Count != count)
        {
            throw new LavaException($"{origin}: kernel '{name}' lacks argument metadata (was it compiled with -cl-kernel-arg-info?)");
        }
        var args = new KernelArgument[count];
        for (var i = 0; i < count; i++)
        {
            var argName = i < names.Count && names[i].Length > 0 ? names[i] : $"arg{i}";
            var space = int.Parse(spaces[i], CultureInfo.InvariantCulture);
            var qualifier = i < qualifiers.Count ? qualifiers[i] : "";
            args[i] = TryParseArgument(argName, types[i], space, qualifier)
                      ?? (i < baseTypes.Count ? TryParseArgument(argName, baseTypes[i], space, qualifier) : null)
                      ?? throw new LavaException($"{origin}: kernel '{name}' argument '{argName}' has type '{types[i]}', which lava cannot pass (supported: scalars, OpenCL vectors, and pointers to them)");
        }
        var required = function.GetMetadataStrings(context, "reqd_work_group_size");
        long[]? reqd = required is { Count: 3 } ? required.Select(s => long.Parse(s, CultureInfo.InvariantCulture)).ToArray() : null;
        return new KernelSignature(name, args, reqd);
    }

    private static KernelArgument? TryParseArgument(string name, string type, int space, string qualifiers)
    {
        var text = ExtVectorType().Replace(type.Trim(), "$1$2");
        var isPointer = text.EndsWith('*');
        var bare = isPointer ? text[..^1].Trim() : text;
        var width = 1;
        var digits = bare.Length;
        while (digits > 0 && char.IsAsciiDigit(bare[digits - 1]))
        {
            digits--;
        }
        var element = bare;
        if (digits < bare.Length && digits > 0)
        {
            width = int.Parse(bare[digits..], CultureInfo.InvariantCulture);
            element = bare[..digits];
        }
        if (!ScalarTypes.TryParseOpenCl(element, out var scalar) || width is not (1 or 2 or 3 or 4 or 8 or 16) || isPointer && text.Count(c => c == '*') > 1)
        {
            return null;
        }
        var addressSpace = isPointer ? (AddressSpace)space : AddressSpace.Private;
        var isConst = addressSpace == AddressSpace.Constant || qualifiers.Split(' ').Contains("const");
        return new KernelArgument(name, text, addressSpace, scalar, width, isConst, isPointer);
    }

    // "float __attribute__((ext_vector_type(4)))" → "float4"
    [System.Text.RegularExpressions.GeneratedRegex(@"^([a-z ]+?)\s*__attribute__\(\(ext_vector_type\((\d+)\)\)\)")]
    private static partial System.Text.RegularExpressions.Regex ExtVectorType();
}
