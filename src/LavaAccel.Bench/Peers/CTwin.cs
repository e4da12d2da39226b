using System.Diagnostics;
using System.Globalization;
using LavaAccel.Bench.Statistics;

namespace LavaAccel.Bench.Peers;

/// <summary>
/// The "c" peer: the suite's plain-C twin of a kernel (kernels/c, embedded here), compiled with
/// <c>clang-19 -O3 -march=native</c> and run on the same number of threads with the same work split,
/// warm-up and iterations. Only kernels with a twin have this peer.
/// </summary>
public static class CTwin
{
    // Kernel name → the twin's source and how many global sizes its command line takes.
    private static readonly Dictionary<string, (string File, int Sizes)> Twins = new(StringComparer.Ordinal)
    {
        ["saxpy"] = ("saxpy.c", 1),
        ["stencil5"] = ("stencil5.c", 2),
    };

    /// <summary>Kernels that have a C twin.</summary>
    public static IReadOnlyCollection<string> Kernels => Twins.Keys;

    /// <summary>The compiler and flags, for reports.</summary>
    public const string Compiler = "clang-19 -O3 -march=native -pthread";

    /// <summary>True when <paramref name="kernel"/> has a twin.</summary>
    public static bool Has(string kernel) => Twins.ContainsKey(kernel);

    /// <summary>Compiles the twin of <paramref name="kernel"/> (once per directory) and runs it; the timed iterations' ms in order.</summary>
    public static IReadOnlyList<double> Run(string kernel, long[] global, int threads, IterationPlan plan, string workDirectory)
    {
        var (file, sizes) = Twins[kernel];
        if (global.Length < sizes)
        {
            throw new LavaException($"the C twin of '{kernel}' takes {sizes} global sizes, the launch has {global.Length}");
        }
        var binary = Compile(file, workDirectory);
        var arguments = new List<string> { threads.ToString(CultureInfo.InvariantCulture), plan.Warmup.ToString(CultureInfo.InvariantCulture), plan.Iterations.ToString(CultureInfo.InvariantCulture) };
        arguments.AddRange(global.Take(sizes).Select(g => g.ToString(CultureInfo.InvariantCulture)));
        var output = Exec(binary, arguments);
        return [.. output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(line => double.Parse(line, CultureInfo.InvariantCulture))];
    }

    private static string Compile(string file, string workDirectory)
    {
        var directory = Path.Combine(workDirectory, "ctwin");
        Directory.CreateDirectory(directory);
        foreach (var name in new[] { "peer_common.h", file })
        {
            using var resource = typeof(CTwin).Assembly.GetManifestResourceStream("ctwin/" + name)
                ?? throw new LavaException($"the C twin source {name} is missing from this build");
            using var target = File.Create(Path.Combine(directory, name));
            resource.CopyTo(target);
        }
        var binary = Path.Combine(directory, Path.GetFileNameWithoutExtension(file));
        Exec("clang-19", ["-O3", "-march=native", "-pthread", Path.Combine(directory, file), "-o", binary]);
        return binary;
    }

    private static string Exec(string file, IReadOnlyList<string> arguments)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }
        try
        {
            using var process = Process.Start(start)!;
            var error = process.StandardError.ReadToEndAsync();
            var output = process.StandardOutput.ReadToEnd();
            process.WaitForExit();
            return process.ExitCode == 0 ? output : throw new LavaException($"{Path.GetFileName(file)} failed (exit {process.ExitCode}): {error.Result.Trim()}");
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new LavaException($"cannot run {file}: {e.Message} (tools/bootstrap.sh installs clang-19)");
        }
    }
}
