using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using LavaAccel.Backends;
using LavaAccel.Backends.Cpu;

namespace LavaAccel.Runtime;

/// <summary>
/// Runs a CPU variant in a runner process of its own (natively, or under qemu-aarch64), so that a
/// crashing kernel never takes lava down. A container driver wraps the same command line.
/// </summary>
public static class VariantRunner
{
    /// <summary>Runs the request; throws a one-line error for crashes, time-outs and runner errors.</summary>
    public static RunOutcome Run(RunRequest request)
    {
        var job = Directory.CreateTempSubdirectory("lava-job-");
        try
        {
            var jobFile = WriteJob(request, job.FullName);
            var start = Command(request, jobFile);
            var clock = Stopwatch.StartNew();
            using var process = Process.Start(start) ?? throw new LavaException("cannot start the kernel runner");
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            var limit = request.TimeLimit ?? Timeout.InfiniteTimeSpan;
            if (!process.WaitForExit(limit))
            {
                process.Kill(entireProcessTree: true);
                process.WaitForExit();
                throw new LavaException($"kernel '{request.Kernel.Name}' on {request.Target} exceeded the time limit of {limit.TotalSeconds:0.###} s and was killed");
            }
            process.WaitForExit();
            var wall = clock.Elapsed.TotalMilliseconds;
            if (process.ExitCode != 0)
            {
                throw Failure(request, process.ExitCode, stderr.Result);
            }
            using var json = JsonDocument.Parse(stdout.Result);
            var times = json.RootElement.GetProperty("kernel_ms").EnumerateArray().Select(e => e.GetDouble()).ToArray();
            var buffers = new Dictionary<string, byte[]>(StringComparer.Ordinal);
            for (var i = 0; i < request.Arguments.Count; i++)
            {
                var argument = request.Arguments[i];
                if (argument.Parameter.Kind == KernelArgumentKind.Buffer && !argument.Parameter.IsConst)
                {
                    buffers[argument.Parameter.Name] = File.ReadAllBytes(BufferPath(job.FullName, i));
                }
            }
            return new RunOutcome(times, buffers, wall, stderr.Result);
        }
        finally
        {
            job.Delete(recursive: true);
        }
    }

    private static LavaException Failure(RunRequest request, int exitCode, string stderr)
    {
        var message = stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .FirstOrDefault(l => l.StartsWith("error: ", StringComparison.Ordinal));
        if (exitCode == 2 && message is not null)
        {
            return new LavaException(message["error: ".Length..]);
        }
        var signal = Signals.Describe(exitCode);
        var hint = signal is "SIGSEGV" or "SIGBUS"
            ? " — an out-of-bounds access? buffers: " + string.Join(", ", request.Arguments.Where(a => a.Parameter.Kind == KernelArgumentKind.Buffer).Select(a => $"{a.Parameter.Name}[{a.BufferElements}]"))
            : "";
        return new LavaException($"kernel '{request.Kernel.Name}' crashed ({signal}) on {request.Target}{hint}");
    }

    private static ProcessStartInfo Command(RunRequest request, string jobFile)
    {
        var arch = request.Target.Arch;
        var runner = NativeRuntime.Runner(arch);
        var variant = Path.GetFullPath(request.VariantPath);
        ProcessStartInfo start;
        if (arch == "aarch64" && System.Runtime.InteropServices.RuntimeInformation.OSArchitecture != System.Runtime.InteropServices.Architecture.Arm64)
        {
            var qemu = QemuAarch64.Path ?? throw new LavaException($"{request.Target} needs qemu-aarch64 on this x86-64 machine (apt-get install qemu-user)");
            start = new ProcessStartInfo(qemu);
            start.ArgumentList.Add("-L");
            start.ArgumentList.Add(QemuAarch64.SysRoot);
            start.ArgumentList.Add(runner);
        }
        else
        {
            start = new ProcessStartInfo(runner);
        }
        start.ArgumentList.Add(variant);
        start.ArgumentList.Add(jobFile);
        start.RedirectStandardOutput = true;
        start.RedirectStandardError = true;
        start.UseShellExecute = false;
        return start;
    }

    private static string BufferPath(string jobDirectory, int index) => Path.Combine(jobDirectory, $"arg{index}.bin");

    private static string WriteJob(RunRequest request, string jobDirectory)
    {
        var range = request.Range;
        var local = range.Local ?? throw new ArgumentException("the range's local size must be resolved", nameof(request));
        long Dim(long[] sizes, int d) => d < sizes.Length ? sizes[d] : 1;
        var text = new StringBuilder();
        var inv = CultureInfo.InvariantCulture;
        text.Append(inv, $"kernel {request.Kernel.Name}\n");
        text.Append(inv, $"range {range.Dimensions} {Dim(range.Global, 0)} {Dim(range.Global, 1)} {Dim(range.Global, 2)} {Dim(local, 0)} {Dim(local, 1)} {Dim(local, 2)}\n");
        text.Append(inv, $"threads {request.Threads}\n");
        text.Append(inv, $"repeat {Math.Max(1, request.Repeat)}\n");
        for (var i = 0; i < request.Arguments.Count; i++)
        {
            var argument = request.Arguments[i];
            switch (argument.Parameter.Kind)
            {
                case KernelArgumentKind.Scalar:
                    text.Append(inv, $"scalar {argument.Bytes.Length} {Convert.ToHexStringLower(argument.Bytes)}\n");
                    break;
                case KernelArgumentKind.Local:
                    text.Append(inv, $"local {argument.LocalElements * argument.Parameter.ElementBytes}\n");
                    break;
                default:
                    var path = BufferPath(jobDirectory, i);
                    File.WriteAllBytes(path, argument.Bytes);
                    text.Append(inv, $"buffer {argument.Bytes.Length} {(argument.Parameter.IsConst ? "ro" : "rw")} {path}\n");
                    break;
            }
        }
        var jobFile = Path.Combine(jobDirectory, "job.txt");
        File.WriteAllText(jobFile, text.ToString());
        return jobFile;
    }
}
