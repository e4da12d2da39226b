using LavaAccel.OpenCl;

namespace LavaAccel.Execution;

/// <summary>Bound arguments as device-runtime kernel arguments.</summary>
public static class DeviceArguments
{
    /// <summary>The device-runtime form of <paramref name="argument"/>.</summary>
    public static DeviceArgument From(BoundArgument argument) => argument.Parameter.Kind switch
    {
        KernelArgumentKind.Scalar => new DeviceArgument(argument.Parameter.Name, DeviceArgumentKind.Scalar, argument.Bytes),
        KernelArgumentKind.Local => new DeviceArgument(argument.Parameter.Name, DeviceArgumentKind.Local, [], LocalBytes: argument.LocalElements * argument.Parameter.ElementBytes, ElementBytes: argument.Parameter.ElementBytes),
        _ => new DeviceArgument(argument.Parameter.Name, DeviceArgumentKind.Buffer, argument.Bytes, Writable: !argument.Parameter.IsConst),
    };
}
