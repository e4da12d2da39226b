using System.Text;

namespace LavaAccel.Cuda;

/// <summary>A PTX module loaded (JIT-compiled by the driver) on a device.</summary>
public sealed unsafe class CudaModule : IDisposable
{
    private readonly CudaDevice _device;
    private readonly nint _module;

    /// <summary>Loads <paramref name="ptx"/>; a JIT error is one line with the driver's log.</summary>
    public CudaModule(CudaDevice device, string ptx)
    {
        _device = device;
        device.MakeCurrent();
        var image = Encoding.UTF8.GetBytes(ptx + "\0");
        var log = new byte[8192];
        fixed (byte* p = image)
        fixed (byte* l = log)
        {
            var options = stackalloc int[2] { CudaDriver.JitErrorLogBuffer, CudaDriver.JitErrorLogBufferSizeBytes };
            var values = stackalloc void*[2] { l, (void*)(nint)log.Length };
            var result = CudaDriver.cuModuleLoadDataEx(out _module, p, 2, options, values);
            if (result != 0)
            {
                var text = Encoding.UTF8.GetString(log).TrimEnd('\0').Trim();
                throw new LavaException($"the CUDA driver rejected the PTX (error {result}){(text.Length > 0 ? ": " + text.Split('\n')[0] : "")}");
            }
        }
    }

    /// <summary>
    /// Runs <paramref name="kernel"/> over <paramref name="global"/> in blocks of <paramref name="local"/>,
    /// <paramref name="repeat"/> times after one untimed launch (writable buffers restored before
    /// each), timed with events; __local arguments become offsets into dynamic shared memory (the
    /// NVPTX backend's convention). Returns sorted times (ms) and the writable buffers.
    /// </summary>
    public (double[] TimesMs, Dictionary<string, byte[]> Outputs) Run(string kernel, IReadOnlyList<DeviceArgument> arguments, long[] global, long[] local, int repeat)
    {
        _device.MakeCurrent();
        CudaDriver.Check(CudaDriver.cuModuleGetFunction(out var function, _module, kernel), $"cuModuleGetFunction({kernel})");
        var count = arguments.Count;
        var storage = new ulong[count]; // a device pointer or a shared-memory offset per argument
        var buffers = new List<(DeviceArgument Argument, ulong Pointer)>();
        ulong shared = 0;
        var handles = new List<System.Runtime.InteropServices.GCHandle>();
        try
        {
            for (var i = 0; i < count; i++)
            {
                var argument = arguments[i];
                switch (argument.Kind)
                {
                    case DeviceArgumentKind.Buffer:
                        CudaDriver.Check(CudaDriver.cuMemAlloc(out var pointer, (nuint)Math.Max(1, argument.Bytes.Length)), $"cuMemAlloc({argument.Name})");
                        buffers.Add((argument, pointer));
                        storage[i] = pointer;
                        Upload(argument, pointer);
                        break;
                    case DeviceArgumentKind.Local:
                        shared = (shared + 15) & ~15UL;
                        storage[i] = shared;
                        shared += (ulong)Math.Max(1, argument.LocalBytes);
                        break;
                }
            }
            var parameters = new nint[count];
            fixed (ulong* s = storage)
            {
                for (var i = 0; i < count; i++)
                {
                    if (arguments[i].Kind == DeviceArgumentKind.Scalar)
                    {
                        var handle = System.Runtime.InteropServices.GCHandle.Alloc(arguments[i].Bytes, System.Runtime.InteropServices.GCHandleType.Pinned);
                        handles.Add(handle);
                        parameters[i] = handle.AddrOfPinnedObject();
                    }
                    else
                    {
                        parameters[i] = (nint)(s + i);
                    }
                }
                uint Dim(long[] sizes, int d) => d < sizes.Length ? (uint)sizes[d] : 1;
                var times = new List<double>();
                CudaDriver.Check(CudaDriver.cuEventCreate(out var start, 0), "cuEventCreate");
                CudaDriver.Check(CudaDriver.cuEventCreate(out var end, 0), "cuEventCreate");
                try
                {
                    fixed (nint* p = parameters)
                    {
                        for (var r = -1; r < repeat; r++)
                        {
                            if (r >= 0)
                            {
                                foreach (var (argument, pointer) in buffers.Where(b => b.Argument.Writable))
                                {
                                    Upload(argument, pointer);
                                }
                            }
                            CudaDriver.Check(CudaDriver.cuEventRecord(start, 0), "cuEventRecord");
                            CudaDriver.Check(CudaDriver.cuLaunchKernel(function,
                                Dim(global, 0) / Dim(local, 0), Dim(global, 1) / Dim(local, 1), Dim(global, 2) / Dim(local, 2),
                                Dim(local, 0), Dim(local, 1), Dim(local, 2), (uint)shared, 0, (void**)p, null), $"cuLaunchKernel({kernel})");
                            CudaDriver.Check(CudaDriver.cuEventRecord(end, 0), "cuEventRecord");
                            CudaDriver.Check(CudaDriver.cuEventSynchronize(end), $"kernel '{kernel}'");
                            CudaDriver.Check(CudaDriver.cuEventElapsedTime(out var ms, start, end), "cuEventElapsedTime");
                            if (r >= 0)
                            {
                                times.Add(ms);
                            }
                        }
                    }
                }
                finally
                {
                    _ = CudaDriver.cuEventDestroy(start); // cleanup: nothing to do about a failure
                    _ = CudaDriver.cuEventDestroy(end);
                }
                var outputs = new Dictionary<string, byte[]>(StringComparer.Ordinal);
                foreach (var (argument, pointer) in buffers.Where(b => b.Argument.Writable))
                {
                    var bytes = new byte[argument.Bytes.Length];
                    fixed (byte* b = bytes)
                    {
                        CudaDriver.Check(CudaDriver.cuMemcpyDtoH(b, pointer, (nuint)bytes.Length), "cuMemcpyDtoH");
                    }
                    outputs[argument.Name] = bytes;
                }
                times.Sort();
                return ([.. times], outputs);
            }
        }
        finally
        {
            foreach (var handle in handles)
            {
                handle.Free();
            }
            foreach (var (_, pointer) in buffers)
            {
                _ = CudaDriver.cuMemFree(pointer);
            }
        }
    }

    private static void Upload(DeviceArgument argument, ulong pointer)
    {
        if (argument.Bytes.Length == 0)
        {
            return;
        }
        fixed (byte* b = argument.Bytes)
        {
            CudaDriver.Check(CudaDriver.cuMemcpyHtoD(pointer, b, (nuint)argument.Bytes.Length), $"cuMemcpyHtoD({argument.Name})");
        }
    }

    /// <summary>Unloads the module.</summary>
    public void Dispose() => _ = CudaDriver.cuModuleUnload(_module);
}
