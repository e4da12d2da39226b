using System.Diagnostics;
using LavaAccel.KernelSuite;
using LavaAccel.Runtime;
using Silk.NET.OpenCL;

namespace LavaAccel.Benchmarks;

/// <summary>
/// Runs a suite case on PoCL (the established open-source CPU OpenCL implementation) from the same
/// OpenCL C source, with the same argument bytes and ND-range as lava.
/// </summary>
internal sealed unsafe class PoclPeer : IDisposable
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

    /// <summary>Builds the program, runs the case <paramref name="repeat"/> times; returns sorted wall times (ms) of enqueue→finish.</summary>
    public IReadOnlyList<double> Run(PreparedCase prepared, int repeat, out IReadOnlyDictionary<string, byte[]> outputs)
    {
        var source = File.ReadAllText(Path.Combine(SuiteRunner.KernelsDirectory, prepared.Case.File));
        int error;
        var program = _cl.CreateProgramWithSource(_context, 1, [source], null, &error);
        Check(error, "clCreateProgramWithSource");
        var device = _device;
        var build = _cl.BuildProgram(program, 1, &device, "-cl-std=CL1.2", null, null);
        if (build != (int)ErrorCodes.Success)
        {
            throw new InvalidOperationException($"PoCL could not build {prepared.Case.File}: {build}");
        }
        var kernel = _cl.CreateKernel(program, prepared.Kernel.Name, &error);
        Check(error, "clCreateKernel");
        var buffers = new List<(BoundArgument Argument, nint Memory)>();
        try
        {
            for (var i = 0; i < prepared.Arguments.Count; i++)
            {
                var argument = prepared.Arguments[i];
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
            var dims = (uint)prepared.Range.Dimensions;
            var global = prepared.Range.Global.Select(g => (nuint)g).ToArray();
            var local = prepared.Range.Local!.Select(l => (nuint)l).ToArray();
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
