using LavaAccel.OpenCl;

namespace LavaAccel.Runtime;

/// <summary>Bound arguments as OpenCL kernel arguments.</summary>
public static class OpenClArguments
{
    /// <summary>The OpenCL form of <paramref name="argument"/>.</summary>
    public static OpenClArgument From(BoundArgument argument) => argument.Parameter.Kind switch
    {
        KernelArgumentKind.Scalar => new OpenClArgument(argument.Parameter.Name, OpenClArgumentKind.Scalar, argument.Bytes),
        KernelArgumentKind.Local => new OpenClArgument(argument.Parameter.Name, OpenClArgumentKind.Local, [], LocalBytes: argument.LocalElements * argument.Parameter.ElementBytes),
        _ => new OpenClArgument(argument.Parameter.Name, OpenClArgumentKind.Buffer, argument.Bytes, Writable: !argument.Parameter.IsConst),
    };
}
