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
        var start = WorkerStartInfo();
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

    private static ProcessStartInfo WorkerStartInfo()
    {
        var baseDir = AppContext.BaseDirectory;
        var apphost = Path.Combine(baseDir, WorkerName);
        var dll = Path.Combine(baseDir, WorkerName + ".dll");
        ProcessStartInfo start;
        if (File.Exists(apphost))
        {
            start = new ProcessStartInfo(apphost);
        }
        else if (File.Exists(dll))
        {
            start = new ProcessStartInfo("dotnet");
            start.ArgumentList.Add("exec");
            start.ArgumentList.Add(dll);
        }
        else
        {
            throw new LavaException($"the compile worker is missing from {baseDir}");
        }
        start.RedirectStandardError = true;
        start.RedirectStandardOutput = true;
        start.UseShellExecute = false;
        // A crash in LLVM should not leave a core file behind for every bad package.
        start.Environment["DOTNET_DbgEnableMiniDump"] = "0";
        return start;
    }
}
