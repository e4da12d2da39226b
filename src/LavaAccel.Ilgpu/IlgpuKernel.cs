using System.Reflection;
using ILGPU;

namespace LavaAccel.Ilgpu;

/// <summary>A kernel method of a package's assembly: its index form and its launch parameters.</summary>
/// <param name="Method">The public static method.</param>
/// <param name="IndexKind">How it is indexed.</param>
/// <param name="Parameters">Its parameters after the index, in order.</param>
public sealed record IlgpuKernel(MethodInfo Method, IlgpuIndexKind IndexKind, IReadOnlyList<ParameterInfo> Parameters)
{
    /// <summary>The kernel's name (the method's).</summary>
    public string Name => Method.Name;

    /// <summary>Dimensions of its index; 0 for explicitly grouped kernels.</summary>
    public int Dimensions => (int)IndexKind;

    /// <summary>The kernel's shape, or a reason why the method is not one.</summary>
    public static IlgpuKernel? TryCreate(MethodInfo method, out string? why)
    {
        why = null;
        if (!method.IsPublic || !method.IsStatic || method.ReturnType != typeof(void) || method.IsGenericMethodDefinition)
        {
            why = "a kernel is a public static void, non-generic method";
            return null;
        }
        var parameters = method.GetParameters();
        var kind = parameters.Length == 0 ? IlgpuIndexKind.Explicit : parameters[0].ParameterType switch
        {
            var t when t == typeof(Index1D) => IlgpuIndexKind.Index1D,
            var t when t == typeof(Index2D) => IlgpuIndexKind.Index2D,
            var t when t == typeof(Index3D) => IlgpuIndexKind.Index3D,
            _ => IlgpuIndexKind.Explicit,
        };
        var rest = kind == IlgpuIndexKind.Explicit ? parameters : parameters[1..];
        foreach (var parameter in rest)
        {
            if (IlgpuTypes.ElementOf(parameter.ParameterType) is null && IlgpuTypes.ScalarOf(parameter.ParameterType) is null)
            {
                why = $"parameter '{parameter.Name}' has type {parameter.ParameterType.Name}; kernels take ArrayView<T> buffers and primitive scalars (T: sbyte…ulong, Half, float, double)";
                return null;
            }
        }
        return new IlgpuKernel(method, kind, rest);
    }
}
