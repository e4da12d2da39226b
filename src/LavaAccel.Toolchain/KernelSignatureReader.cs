using System.Globalization;
using LavaAccel.Llvm;

namespace LavaAccel.Toolchain;

/// <summary>Reads kernel signatures from the <c>kernel_arg_*</c> metadata clang attaches to SPIR kernels.</summary>
public static class KernelSignatureReader
{
    /// <summary>LLVM's calling convention number of <c>spir_kernel</c>.</summary>
    public const uint SpirKernelConvention = 76;

    /// <summary>All kernels of a module, in definition order.</summary>
    public static IReadOnlyList<KernelSignature> Read(LlvmModule module, string origin)
    {
        var kernels = new List<KernelSignature>();
        foreach (var function in module.Functions)
        {
            if (function.IsDeclaration || function.CallingConvention != SpirKernelConvention)
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
        var types = function.GetMetadataStrings(context, "kernel_arg_base_type")
                    ?? function.GetMetadataStrings(context, "kernel_arg_type") ?? [];
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
            args[i] = ParseArgument(origin, name, argName, types[i], int.Parse(spaces[i], CultureInfo.InvariantCulture),
                i < qualifiers.Count ? qualifiers[i] : "");
        }
        var required = function.GetMetadataStrings(context, "reqd_work_group_size");
        long[]? reqd = required is { Count: 3 } ? required.Select(s => long.Parse(s, CultureInfo.InvariantCulture)).ToArray() : null;
        return new KernelSignature(name, args, reqd);
    }

    private static KernelArgument ParseArgument(string origin, string kernel, string name, string type, int space, string qualifiers)
    {
        var text = type.Trim();
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
            throw new LavaException($"{origin}: kernel '{kernel}' argument '{name}' has type '{type}', which lava cannot pass (supported: scalars, OpenCL vectors, and pointers to them)");
        }
        var addressSpace = isPointer ? (AddressSpace)space : AddressSpace.Private;
        var isConst = addressSpace == AddressSpace.Constant || qualifiers.Split(' ').Contains("const");
        return new KernelArgument(name, text, addressSpace, scalar, width, isConst, isPointer);
    }
}
