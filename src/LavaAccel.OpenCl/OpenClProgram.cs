using System.Diagnostics;
using System.Text;
using Silk.NET.OpenCL;

namespace LavaAccel.OpenCl;

/// <summary>A program built for one device, from OpenCL C source or from a binary form (SPIR bitcode).</summary>
public sealed unsafe class OpenClProgram : IDisposable
{
    private readonly OpenClDevice _device;
    private readonly nint _program;

    private OpenClProgram(OpenClDevice device, nint program, string options)
    {
        _device = device;
        _program = program;
        var d = device.Handle;
        var build = device.Api.BuildProgram(program, 1, &d, options, null, null);
        if (build != (int)ErrorCodes.Success)
        {
            var log = BuildLog().Trim();
            device.Api.ReleaseProgram(program);
            throw new LavaException($"{device.Name} could not build the program ({OpenClErrors.Name(build)}){(log.Length > 0 ? ": " + FirstLines(log) : "")}");
        }
    }

    /// <summary>Builds OpenCL C <paramref name="source"/>.</summary>
    public static OpenClProgram FromSource(OpenClDevice device, string source, string options = "-cl-std=CL1.2")
    {
        int error;
        var program = device.Api.CreateProgramWithSource(device.Context, 1, [source], null, &error);
        OpenClErrors.Check(error, "clCreateProgramWithSource");
        return new OpenClProgram(device, program, options);
    }

    /// <summary>Builds SPIR 1.2 bitcode (cl_khr_spir: <c>-x spir -spir-std=1.2</c>).</summary>
    public static OpenClProgram FromSpir(OpenClDevice device, byte[] bitcode)
    {
        int error;
        int status;
        var d = device.Handle;
        var length = (nuint)bitcode.Length;
        nint program;
        fixed (byte* b = bitcode)
        {
            var binaries = b;
            program = device.Api.CreateProgramWithBinary(device.Context, 1, &d, &length, &binaries, &status, &error);
        }
        OpenClErrors.Check(error, "clCreateProgramWithBinary");
        return new OpenClProgram(device, program, "-x spir -spir-std=1.2");
    }

    /// <summary>
    /// Runs <paramref name="kernelName"/> <paramref name="repeat"/> times (plus one untimed warm-up
    /// when <paramref name="warmUp"/>: some runtimes finish compiling on the first launch), restoring
    /// writable buffers before each run. Returns the sorted times (enqueue → finish, ms) and the
    /// writable buffers after the last run.
    /// </summary>
    public (double[] TimesMs, Dictionary<string, byte[]> Outputs) Run(string kernelName, IReadOnlyList<DeviceArgument> arguments, long[] global, long[] local, int repeat, bool warmUp)
    {
        var cl = _device.Api;
        int error;
        var kernel = cl.CreateKernel(_program, kernelName, &error);
        OpenClErrors.Check(error, $"clCreateKernel({kernelName})");
        var buffers = new List<(DeviceArgument Argument, nint Memory)>();
        try
        {
            for (var i = 0; i < arguments.Count; i++)
            {
                var argument = arguments[i];
                switch (argument.Kind)
                {
                    case DeviceArgumentKind.Scalar:
                        fixed (byte* bytes = argument.Bytes)
                        {
                            OpenClErrors.Check(cl.SetKernelArg(kernel, (uint)i, (nuint)argument.Bytes.Length, bytes), $"clSetKernelArg({argument.Name})");
                        }
                        break;
                    case DeviceArgumentKind.Local:
                        OpenClErrors.Check(cl.SetKernelArg(kernel, (uint)i, (nuint)Math.Max(1, argument.LocalBytes), null), $"clSetKernelArg({argument.Name})");
                        break;
                    default:
                        nint memory;
                        fixed (byte* bytes = argument.Bytes)
                        {
                            memory = argument.Bytes.Length > 0
                                ? cl.CreateBuffer(_device.Context, MemFlags.ReadWrite | MemFlags.CopyHostPtr, (nuint)argument.Bytes.Length, bytes, &error)
                                : cl.CreateBuffer(_device.Context, MemFlags.ReadWrite, 1, null, &error);
                        }
                        OpenClErrors.Check(error, $"clCreateBuffer({argument.Name})");
                        buffers.Add((argument, memory));
                        OpenClErrors.Check(cl.SetKernelArg(kernel, (uint)i, (nuint)sizeof(nint), &memory), $"clSetKernelArg({argument.Name})");
                        break;
                }
            }
            var g = global.Select(x => (nuint)x).ToArray();
            var l = local.Select(x => (nuint)x).ToArray();
            var times = new List<double>();
            for (var r = warmUp ? -1 : 0; r < repeat; r++)
            {
                if (r != (warmUp ? -1 : 0))
                {
                    Restore(buffers);
                }
                var clock = Stopwatch.StartNew();
                fixed (nuint* pg = g)
                fixed (nuint* pl = l)
                {
                    OpenClErrors.Check(cl.EnqueueNdrangeKernel(_device.Queue, kernel, (uint)g.Length, null, pg, pl, 0, null, null), "clEnqueueNDRangeKernel");
                }
                OpenClErrors.Check(cl.Finish(_device.Queue), "clFinish");
                if (r >= 0)
                {
                    times.Add(clock.Elapsed.TotalMilliseconds);
                }
            }
            var outputs = new Dictionary<string, byte[]>(StringComparer.Ordinal);
            foreach (var (argument, memory) in buffers.Where(b => b.Argument.Writable))
            {
                var bytes = new byte[argument.Bytes.Length];
                fixed (byte* p = bytes)
                {
                    OpenClErrors.Check(cl.EnqueueReadBuffer(_device.Queue, memory, true, 0, (nuint)bytes.Length, p, 0, null, null), "clEnqueueReadBuffer");
                }
                outputs[argument.Name] = bytes;
            }
            times.Sort();
            return ([.. times], outputs);
        }
        finally
        {
            foreach (var (_, memory) in buffers)
            {
                cl.ReleaseMemObject(memory);
            }
            cl.ReleaseKernel(kernel);
        }
    }

    private void Restore(List<(DeviceArgument Argument, nint Memory)> buffers)
    {
        foreach (var (argument, memory) in buffers.Where(b => b.Argument.Writable && b.Argument.Bytes.Length > 0))
        {
            fixed (byte* p = argument.Bytes)
            {
                OpenClErrors.Check(_device.Api.EnqueueWriteBuffer(_device.Queue, memory, true, 0, (nuint)argument.Bytes.Length, p, 0, null, null), "clEnqueueWriteBuffer");
            }
        }
    }

    private string BuildLog()
    {
        nuint size;
        _device.Api.GetProgramBuildInfo(_program, _device.Handle, ProgramBuildInfo.BuildLog, 0, null, &size);
        var bytes = new byte[size];
        fixed (byte* p = bytes)
        {
            _device.Api.GetProgramBuildInfo(_program, _device.Handle, ProgramBuildInfo.BuildLog, size, p, null);
        }
        return Encoding.UTF8.GetString(bytes).TrimEnd('\0');
    }

    private static string FirstLines(string log) => string.Join(" | ", log.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Take(3));

    /// <summary>Releases the program.</summary>
    public void Dispose() => _device.Api.ReleaseProgram(_program);
}
