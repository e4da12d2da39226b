using LavaAccel.Host;
using System.Diagnostics;
using System.Text.Json;

namespace LavaAccel.Backends;

/// <summary>Runs the compile worker (<c>lava-compile-worker</c>) as a child process.</summary>
public static class CompileWorkerClient
{
    private const string WorkerName = "lava-compile-worker";

    /// <summary>Compiles <paramref name="packagePath"/> for <paramref name="target"/> into <paramref name="outputPath"/>.</summary>
    public static CompileResult Compile(string packagePath, TargetId target, string outputPath)
    {
        BackendRegistry.For(target); // unknown targets fail here, with the usual message
        var clock = Stopwatch.StartNew();
        var start = WorkerExecutable.StartInfo(WorkerName);
        start.ArgumentList.Add(Path.GetFullPath(packagePath));
        start.ArgumentList.Add(target.ToString());
        start.ArgumentList.Add(Path.GetFullPath(outputPath));
        using var process = Process.Start(start) ?? throw new LavaException("cannot start the compile worker");
        var stderr = process.StandardError.ReadToEndAsync();
        var stdout = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        var wall = clock.Elapsed.TotalMilliseconds;
        var message = stderr.Result.Trim();
        if (process.ExitCode == 1 && message.Length > 0)
        {
            throw new LavaException($"compiling for {target}: {message}");
        }
        if (process.ExitCode != 0)
        {
            var signal = Signals.Describe(process.ExitCode);
            var detail = LastLine(message);
            throw new LavaException($"the compiler crashed ({signal}) while compiling for {target}{(detail.Length > 0 ? ": " + detail : "")}");
        }
        using var json = JsonDocument.Parse(stdout);
        var root = json.RootElement;
        var modes = root.GetProperty("kernels").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString() ?? "");
        var extension = root.TryGetProperty("extension", out var e) ? e.GetString() ?? ".so" : ".so";
        return new CompileResult(target, outputPath, root.GetProperty("compile_ms").GetDouble(), wall, root.GetProperty("size").GetInt64(), modes, extension);
    }

    private static string LastLine(string text) =>
        text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).LastOrDefault() ?? "";
}
