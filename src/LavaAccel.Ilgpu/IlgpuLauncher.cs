using System.Diagnostics;
using System.Reflection;
using System.Runtime.InteropServices;
using ILGPU;
using ILGPU.Runtime;
using ILGPU.Runtime.CPU;

namespace LavaAccel.Ilgpu;

/// <summary>
/// Runs one kernel of a package's assembly on an ILGPU accelerator: buffers in, launches timed
/// with a synchronise after each, written buffers out. Implicitly grouped kernels take the global
/// size as their index; explicitly grouped ones need a local size that divides it, and get their
/// dynamic shared memory from the manifest's <c>__local</c> argument.
/// </summary>
public static class IlgpuLauncher
{
    // A group may hold up to 256 work-items on the CPU accelerator (one OS thread each while a
    // group runs); a warp of 4 as in ILGPU's default CPU device.
    private const int CpuWarp = 4;
    private const int CpuWarpsPerGroup = 64;

    private static readonly MethodInfo CastView = typeof(ArrayView<byte>).GetMethod(nameof(ArrayView<byte>.Cast))!;

    /// <summary>
    /// Runs <paramref name="kernelName"/> <paramref name="warmup"/> times untimed, then
    /// <paramref name="repeat"/> times timed; every run starts from the given buffers.
    /// </summary>
    public static (double[] Times, Dictionary<string, byte[]> Outputs) Run(
        IlgpuAssembly assembly, string kernelName, IReadOnlyList<DeviceArgument> arguments,
        long[] global, long[]? local, int repeat, IlgpuDevice device, TimeSpan? timeLimit, int warmup = 0)
    {
        var kernel = assembly.Get(kernelName);
        var config = Launch(kernel, arguments, global, local);
        using var context = Context.Create(builder =>
        {
            builder.Optimize(OptimizationLevel.O2);
            _ = device switch
            {
                // Assertions turn most out-of-range view indices into an error (not all: SubView offsets
                // can overflow), which is why the ilgpu/cpu worker also runs jailed.
                IlgpuDevice.Cpu => builder.CPU(new CPUDevice(CpuWarp, CpuWarpsPerGroup, Math.Max(1, Environment.ProcessorCount))).Assertions(),
                IlgpuDevice.Cuda => ILGPU.Runtime.Cuda.CudaContextExtensions.Cuda(builder),
                _ => ILGPU.Runtime.OpenCL.CLContextExtensions.OpenCL(builder),
            };
        });
        var wanted = device switch { IlgpuDevice.Cpu => AcceleratorType.CPU, IlgpuDevice.Cuda => AcceleratorType.Cuda, _ => AcceleratorType.OpenCL };
        var found = context.Devices.FirstOrDefault(d => d.AcceleratorType == wanted)
            ?? throw new LavaException($"ILGPU finds no {wanted} device here");
        using var accelerator = found.CreateAccelerator(context);
        var buffers = new List<(DeviceArgument Argument, MemoryBuffer1D<byte, Stride1D.Dense> Buffer)>();
        try
        {
            var values = new object[kernel.Parameters.Count];
            for (var i = 0; i < kernel.Parameters.Count; i++)
            {
                var parameter = kernel.Parameters[i];
                var argument = arguments.FirstOrDefault(a => a.Name == parameter.Name)
                    ?? throw new LavaException($"kernel '{kernel.Name}' has no argument named '{parameter.Name}' in its manifest");
                if (IlgpuTypes.ElementOf(parameter.ParameterType) is { } element)
                {
                    var buffer = accelerator.Allocate1D<byte>(Math.Max(1, argument.Bytes.Length));
                    buffers.Add((argument, buffer));
                    var bytes = buffer.View.SubView(0, argument.Bytes.Length).AsContiguous();
                    values[i] = CastView.MakeGenericMethod(IlgpuTypes.ClrType(element)).Invoke(bytes, null)!;
                }
                else
                {
                    values[i] = Scalar(parameter.ParameterType, argument.Bytes, parameter.Name!);
                }
            }
            var loaded = kernel.IndexKind == IlgpuIndexKind.Explicit
                ? accelerator.LoadKernel(kernel.Method)
                : accelerator.LoadAutoGroupedKernel(kernel.Method);
            var times = new double[Math.Max(1, repeat)];
            var run = Task.Run(() =>
            {
                for (var r = -Math.Max(0, warmup); r < times.Length; r++)
                {
                    foreach (var (argument, buffer) in buffers)
                    {
                        buffer.View.SubView(0, argument.Bytes.Length).CopyFromCPU(argument.Bytes);
                    }
                    accelerator.Synchronize();
                    var clock = Stopwatch.StartNew();
                    LaunchOnce(loaded, accelerator.DefaultStream, kernel, config, values);
                    accelerator.Synchronize();
                    if (r >= 0)
                    {
                        times[r] = clock.Elapsed.TotalMilliseconds;
                    }
                }
            });
            if (timeLimit is { } limit && Task.WhenAny(run, Task.Delay(limit)).GetAwaiter().GetResult() != run)
            {
                throw new LavaException($"kernel '{kernel.Name}' exceeded its time limit of {limit.TotalSeconds:0.###} s on ILGPU's {wanted} accelerator (it runs in lava's process: its threads stop when lava exits)");
            }
            try
            {
                run.GetAwaiter().GetResult();
            }
            catch (Exception e) when (e is not LavaException and not OutOfMemoryException)
            {
                throw new LavaException($"kernel '{kernel.Name}' failed on ILGPU's {wanted} accelerator: {IlgpuCodeGenerator.Describe(e)}", e);
            }
            var outputs = new Dictionary<string, byte[]>(StringComparer.Ordinal);
            foreach (var (argument, buffer) in buffers.Where(b => b.Argument.Writable))
            {
                outputs[argument.Name] = argument.Bytes.Length == 0 ? [] : buffer.View.SubView(0, argument.Bytes.Length).GetAsArray1D();
            }
            Array.Sort(times);
            return (times, outputs);
        }
        finally
        {
            foreach (var (_, buffer) in buffers)
            {
                buffer.Dispose();
            }
        }
    }

    private static void LaunchOnce(Kernel loaded, AcceleratorStream stream, IlgpuKernel kernel, object launch, object[] values)
    {
        switch (launch)
        {
            case KernelConfig config:
                loaded.Launch(stream, config, values);
                break;
            case Index1D index:
                loaded.Launch(stream, index, values);
                break;
            case Index2D index:
                loaded.Launch(stream, index, values);
                break;
            case Index3D index:
                loaded.Launch(stream, index, values);
                break;
            default:
                throw new InvalidOperationException($"no launch form for {kernel.Name}");
        }
    }

    /// <summary>The index (implicit kernels) or kernel configuration (explicit ones) for a range.</summary>
    private static object Launch(IlgpuKernel kernel, IReadOnlyList<DeviceArgument> arguments, long[] global, long[]? local)
    {
        int Size(long value, string what) => value is > 0 and <= int.MaxValue
            ? (int)value
            : throw new LavaException($"kernel '{kernel.Name}': {what} size {value} is out of range for ILGPU (1 … {int.MaxValue})");
        int At(long[] sizes, int d) => d < sizes.Length ? Size(sizes[d], "global") : 1;
        if (kernel.IndexKind != IlgpuIndexKind.Explicit)
        {
            if (global.Length != kernel.Dimensions)
            {
                throw new LavaException($"kernel '{kernel.Name}' takes an Index{kernel.Dimensions}D: give a {kernel.Dimensions}-D global size (got {global.Length}-D)");
            }
            return kernel.IndexKind switch
            {
                IlgpuIndexKind.Index1D => new Index1D(At(global, 0)),
                IlgpuIndexKind.Index2D => new Index2D(At(global, 0), At(global, 1)),
                _ => new Index3D(At(global, 0), At(global, 1), At(global, 2)),
            };
        }
        if (local is null || local.Length != global.Length)
        {
            throw new LavaException($"kernel '{kernel.Name}' is explicitly grouped: give a local size with as many dimensions as the global size");
        }
        var grid = new int[3];
        var group = new int[3];
        for (var d = 0; d < 3; d++)
        {
            var g = At(global, d);
            group[d] = d < local.Length ? Size(local[d], "local") : 1;
            if (g % group[d] != 0)
            {
                throw new LavaException($"kernel '{kernel.Name}': the local size {group[d]} does not divide the global size {g} in dimension {d}");
            }
            grid[d] = g / group[d];
        }
        var shared = arguments.Where(a => a.Kind == DeviceArgumentKind.Local).ToList();
        if (shared.Count > 1)
        {
            throw new LavaException($"kernel '{kernel.Name}' has {shared.Count} __local arguments; ILGPU gives a kernel one dynamic shared-memory array");
        }
        // In elements of the kernel's type: the CPU accelerator counts the request in elements of
        // the T of GetDynamic<T>(), the GPU ones in bytes; elements × size means the same to both.
        var sharedConfig = default(SharedMemoryConfig);
        if (shared.Count == 1 && shared[0].LocalBytes > 0)
        {
            var size = shared[0].ElementBytes > 0 ? shared[0].ElementBytes : 1;
            if (shared[0].LocalBytes % size != 0)
            {
                throw new LavaException($"kernel '{kernel.Name}': __local argument '{shared[0].Name}' of {shared[0].LocalBytes} bytes is not a whole number of {size}-byte elements");
            }
            sharedConfig = RequestShared(size, checked((int)(shared[0].LocalBytes / size)));
        }
        return new KernelConfig(new Index3D(grid[0], grid[1], grid[2]), new Index3D(group[0], group[1], group[2]), sharedConfig);
    }

    private static SharedMemoryConfig RequestShared(int elementBytes, int count) => elementBytes switch
    {
        1 => SharedMemoryConfig.RequestDynamic<byte>(count),
        2 => SharedMemoryConfig.RequestDynamic<short>(count),
        4 => SharedMemoryConfig.RequestDynamic<int>(count),
        8 => SharedMemoryConfig.RequestDynamic<long>(count),
        _ => throw new LavaException($"dynamic shared memory of {elementBytes}-byte elements is not supported"),
    };

    private static object Scalar(Type type, byte[] bytes, string name)
    {
        var size = type == typeof(ILGPU.Half) ? 2 : Marshal.SizeOf(type);
        if (bytes.Length != size)
        {
            throw new LavaException($"argument '{name}' has {bytes.Length} bytes; {type.Name} takes {size}");
        }
        return type switch
        {
            var t when t == typeof(sbyte) => (object)(sbyte)bytes[0],
            var t when t == typeof(byte) => (object)bytes[0],
            var t when t == typeof(short) => (object)BitConverter.ToInt16(bytes),
            var t when t == typeof(ushort) => (object)BitConverter.ToUInt16(bytes),
            var t when t == typeof(int) => (object)BitConverter.ToInt32(bytes),
            var t when t == typeof(uint) => (object)BitConverter.ToUInt32(bytes),
            var t when t == typeof(long) => (object)BitConverter.ToInt64(bytes),
            var t when t == typeof(ulong) => (object)BitConverter.ToUInt64(bytes),
            var t when t == typeof(float) => (object)BitConverter.ToSingle(bytes),
            var t when t == typeof(double) => (object)BitConverter.ToDouble(bytes),
            _ => (object)(ILGPU.Half)(float)BitConverter.ToHalf(bytes),
        };
    }
}
