using LavaAccel.Execution;
using LavaAccel.OpenCl;

namespace LavaAccel.KernelSuite;

/// <summary>
/// Runs OpenCL C on PoCL (the established open-source CPU OpenCL implementation) with the same
/// argument bytes and ND-range as lava: the peer in benchmarks, the oracle in differential tests.
/// </summary>
public sealed class PoclPeer : IDisposable
{
    private readonly OpenClDevice _device;

    public PoclPeer()
    {
        _device = OpenClDevice.Find(OpenClDeviceKind.Cpu, _ => true, out var why)
            ?? throw new InvalidOperationException($"no OpenCL CPU device (install pocl-opencl-icd): {why}");
        DeviceName = _device.Name + " / " + _device.Version;
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
            catch (Exception e) when (e is InvalidOperationException or DllNotFoundException or EntryPointNotFoundException or LavaException)
            {
                return false;
            }
        }
    }

    /// <summary>Runs a suite case; see <see cref="Run(string, string, IReadOnlyList{BoundArgument}, NdRange, int, out IReadOnlyDictionary{string, byte[]})"/>.</summary>
    public IReadOnlyList<double> Run(PreparedCase prepared, int repeat, out IReadOnlyDictionary<string, byte[]> outputs) =>
        Run(File.ReadAllText(Path.Combine(SuiteRunner.KernelsDirectory, prepared.Case.File)), prepared.Kernel.Name, prepared.Arguments, prepared.Range, repeat, out outputs);

    /// <summary>
    /// Builds the program from source, runs the kernel <paramref name="repeat"/> times after one
    /// untimed launch (PoCL compiles work-group functions lazily); returns sorted wall times (ms) of
    /// enqueue→finish, and the writable buffers after the last run.
    /// </summary>
    public IReadOnlyList<double> Run(string source, string kernelName, IReadOnlyList<BoundArgument> arguments, NdRange range, int repeat, out IReadOnlyDictionary<string, byte[]> outputs)
    {
        using var program = OpenClProgram.FromSource(_device, source);
        var (times, written) = program.Run(kernelName, [.. arguments.Select(DeviceArguments.From)], range.Global, range.Local!, repeat, warmUp: true);
        outputs = written;
        return times;
    }

    public void Dispose() => _device.Dispose();
}
