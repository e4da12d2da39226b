using System.Diagnostics;
using LavaAccel.Runtime;
using Silk.NET.OpenCL;

namespace LavaAccel.KernelSuite;

/// <summary>
/// Runs OpenCL C on PoCL (the established open-source CPU OpenCL implementation) with the same
/// argument bytes and ND-range as lava: the peer in benchmarks, the oracle in differential tests.
/// </summary>
public sealed unsafe class PoclPeer : IDisposable
{
    private readonly CL _cl = CL.GetApi();
    private readonly nint _device;
    private readonly nint _context;
    private readonly nint _queue;

    public PoclPeer()
    {
        uint count;
        Check(_cl.GetPlatformIDs(0, null, &count), "clGetPlatformIDs");
        var platforms = new nint[count];
        fixed (nint* p = platforms)
        {
            Check(_cl.GetPlatformIDs(count, p, null), "clGetPlatformIDs");
        }
        foreach (var platform in platforms)
        {
            nint device;
            if (_cl.GetDeviceIDs(platform, DeviceType.Cpu, 1, &device, null) == (int)ErrorCodes.Success)
            {
                _device = device;
                break;
            }
        }
        if (_device == 0)
        {
            throw new InvalidOperationException("no OpenCL CPU device (install pocl-opencl-icd)");
        }
        int error;
        var device0 = _device;
        _context = _cl.CreateContext(null, 1, &device0, null, null, &error);
        Check(error, "clCreateContext");
        _queue = _cl.CreateCommandQueue(_context, _device, CommandQueueProperties.None, &error);
        Check(error, "clCreateCommandQueue");
        DeviceName = Info(DeviceInfo.Name) + " / " + Info(DeviceInfo.Version);
    }

    public string DeviceName { get; }

    /// <summary>True when an OpenCL CPU device (PoCL) is installed.</summary>
    public static bool Available
    {
        get
        {
            try
            {
                using var peer = new PoclPeer();
                return true;
            }
            catch (Exception e) when (e is InvalidOperationException or DllNotFoundException or EntryPointNotFoundException)
            {
                return false;
            }
        }
    }

    /// <summary>Runs a suite case; see <see cref="Run(string, string, IReadOnlyList{BoundArgument}, NdRange, int, out IReadOnlyDictionary{string, byte[]})"/>.</summary>
    public IReadOnlyList<double> Run(PreparedCase prepared, int repeat, out IReadOnlyDictionary<string, byte[]> outputs) =>
        Run(File.ReadAllText(Path.Combine(SuiteRunner.KernelsDirectory, prepared.Case.File)), prepared.Kernel.Name, prepared.Arguments, prepared.Range, repeat, out outputs);

    /// <summary>Builds the program, runs the kernel <paramref name="repeat"/> times; returns sorted wall times (ms) of enqueue→finish, and the writable buffers after the last run.</summary>
    public IReadOnlyList<double> Run(string source, string kernelName, IReadOnlyList<BoundArgument> arguments, NdRange range, int repeat, out IReadOnlyDictionary<string, byte[]> outputs)
    {
        int error;
        var program = _cl.CreateProgramWithSource(_context, 1, [source], null, &error);
        Check(error, "clCreateProgramWithSource");
        var device = _device;
        var build = _cl.BuildProgram(program, 1, &device, "-cl-std=CL1.2", null, null);
        if (build != (int)ErrorCodes.Success)
        {
            throw new InvalidOperationException($"PoCL could not build the program: {build}");
        }
        var kernel = _cl.CreateKernel(program, kernelName, &error);
        Check(error, "clCreateKernel");
        var buffers = new List<(BoundArgument Argument, nint Memory)>();
        try
        {
            for (var i = 0; i < arguments.Count; i++)
            {
                var argument = arguments[i];
                switch (argument.Parameter.Kind)
                {
                    case KernelArgumentKind.Scalar:
                        fixed (byte* bytes = argument.Bytes)
                        {
                            Check(_cl.SetKernelArg(kernel, (uint)i, (nuint)argument.Bytes.Length, bytes), "clSetKernelArg");
                        }
                        break;
                    case KernelArgumentKind.Local:
                        Check(_cl.SetKernelArg(kernel, (uint)i, (nuint)(argument.LocalElements * argument.Parameter.ElementBytes), null), "clSetKernelArg");
                        break;
                    default:
                        nint memory;
                        fixed (byte* bytes = argument.Bytes)
                        {
                            memory = _cl.CreateBuffer(_context, MemFlags.ReadWrite | MemFlags.CopyHostPtr, (nuint)argument.Bytes.Length, bytes, &error);
                        }
                        Check(error, "clCreateBuffer");
                        buffers.Add((argument, memory));
                        Check(_cl.SetKernelArg(kernel, (uint)i, (nuint)sizeof(nint), &memory), "clSetKernelArg");
                        break;
                }
            }
            var dims = (uint)range.Dimensions;
            var global = range.Global.Select(g => (nuint)g).ToArray();
            var local = range.Local!.Select(l => (nuint)l).ToArray();
            var times = new List<double>();
            // One untimed run: PoCL compiles work-group functions lazily on first launch.
            for (var r = 0; r <= repeat; r++)
            {
                RestoreInputs(buffers);
                var clock = Stopwatch.StartNew();
                fixed (nuint* g = global)
                fixed (nuint* l = local)
                {
                    Check(_cl.EnqueueNdrangeKernel(_queue, kernel, dims, null, g, l, 0, null, null), "clEnqueueNDRangeKernel");
                }
                Check(_cl.Finish(_queue), "clFinish");
                if (r > 0)
                {
                    times.Add(clock.Elapsed.TotalMilliseconds);
                }
            }
            var result = new Dictionary<string, byte[]>(StringComparer.Ordinal);
            foreach (var (argument, memory) in buffers.Where(b => !b.Argument.Parameter.IsConst))
            {
                var bytes = new byte[argument.Bytes.Length];
                fixed (byte* p = bytes)
                {
                    Check(_cl.EnqueueReadBuffer(_queue, memory, true, 0, (nuint)bytes.Length, p, 0, null, null), "clEnqueueReadBuffer");
                }
                result[argument.Parameter.Name] = bytes;
            }
            outputs = result;
            times.Sort();
            return times;
        }
        finally
        {
            foreach (var (_, memory) in buffers)
            {
                _cl.ReleaseMemObject(memory);
            }
            _cl.ReleaseKernel(kernel);
            _cl.ReleaseProgram(program);
        }
    }

    // Writable buffers get their input contents back before every run, as lava's runner does.
    private void RestoreInputs(List<(BoundArgument Argument, nint Memory)> buffers)
    {
        foreach (var (argument, memory) in buffers.Where(b => !b.Argument.Parameter.IsConst))
        {
            fixed (byte* p = argument.Bytes)
            {
                Check(_cl.EnqueueWriteBuffer(_queue, memory, true, 0, (nuint)argument.Bytes.Length, p, 0, null, null), "clEnqueueWriteBuffer");
            }
        }
    }

    private string Info(DeviceInfo what)
    {
        nuint size;
        _cl.GetDeviceInfo(_device, what, 0, null, &size);
        var bytes = new byte[size];
        fixed (byte* p = bytes)
        {
            _cl.GetDeviceInfo(_device, what, size, p, null);
        }
        return System.Text.Encoding.ASCII.GetString(bytes).TrimEnd('\0');
    }

    private static void Check(int code, string call)
    {
        if (code != (int)ErrorCodes.Success)
        {
            throw new InvalidOperationException($"{call} failed: {(ErrorCodes)code}");
        }
    }

    public void Dispose()
    {
        _cl.ReleaseCommandQueue(_queue);
        _cl.ReleaseContext(_context);
        _cl.Dispose();
    }
}
