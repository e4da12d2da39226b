using System.Diagnostics;

namespace LavaAccel.Toolchain;

/// <summary>
/// Runs clang-15's OpenCL front end: OpenCL C → spir64 bitcode at LLVM 15's bitcode version, the
/// oldest any backend of the fleet reads (PoCL 3.1 is built on LLVM 15).
/// </summary>
public static class ClangFrontend
{
    /// <summary>The front end executable.</summary>
    public const string Executable = "clang-15";

    /// <summary>The IR format recorded in manifests.</summary>
    public const string IrFormat = Manifest.LavaIrFormat;

    /// <summary>OpenCL C versions accepted by <c>--std</c>.</summary>
    public static IReadOnlyList<string> LanguageVersions { get; } = ["CL1.2", "CL2.0", "CL3.0"];

    /// <summary>Compiles one OpenCL C file; throws with clang's diagnostics (file:line:col) on error.</summary>
    public static byte[] Compile(string sourcePath, string languageVersion, IReadOnlyList<string> defines)
    {
        if (!LanguageVersions.Contains(languageVersion))
        {
            throw new LavaException($"unknown OpenCL C version '{languageVersion}' (use {string.Join(", ", LanguageVersions)})");
        }
        var output = Path.Combine(Path.GetTempPath(), $"lava-pack-{Environment.ProcessId}-{Guid.NewGuid():N}.bc");
        // clang records the path it was given in the module; run it next to the source and name
        // the file alone, so the package digest does not depend on where the source was.
        var fullPath = Path.GetFullPath(sourcePath);
        var start = new ProcessStartInfo(Executable)
        {
            WorkingDirectory = Path.GetDirectoryName(fullPath)!,
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        foreach (var arg in new[]
                 {
                     "-cc1", "-triple", "spir64-unknown-unknown", $"-cl-std={languageVersion}",
                     "-finclude-default-header", "-fdeclare-opencl-builtins", "-cl-kernel-arg-info",
                     "-emit-llvm-bc", "-O2", "-x", "cl", "-I", ".",
                 })
        {
            start.ArgumentList.Add(arg);
        }
        foreach (var define in defines)
        {
            start.ArgumentList.Add("-D");
            start.ArgumentList.Add(define);
        }
        start.ArgumentList.Add("-o");
        start.ArgumentList.Add(output);
        // "./name": a file named like an option (-fpass-plugin=x.cl) must stay a file.
        start.ArgumentList.Add("./" + Path.GetFileName(fullPath));
        try
        {
            using var process = StartOrExplain(start);
            var stderr = process.StandardError.ReadToEndAsync();
            process.StandardOutput.ReadToEnd();
            process.WaitForExit();
            var diagnostics = stderr.Result.Trim();
            if (process.ExitCode > 128 || diagnostics.Contains("PLEASE submit a bug report", StringComparison.Ordinal))
            {
                // clang itself crashed: its stack dump is not the user's to read.
                var error = diagnostics.Split('\n').FirstOrDefault(l => l.Contains("error:", StringComparison.Ordinal))?.Trim();
                throw new LavaException($"{Executable} crashed compiling {Path.GetFileName(sourcePath)} (a compiler bug this kernel triggers; simplify the construct){(error is null ? "" : ": " + error)}");
            }
            if (process.ExitCode != 0)
            {
                throw new LavaException($"{sourcePath} does not compile:\n{Abbreviate(diagnostics)}");
            }
            return File.ReadAllBytes(output);
        }
        finally
        {
            File.Delete(output);
        }
    }

    // Feeding clang a file that is not OpenCL C yields hundreds of lines; the first errors say it.
    private static string Abbreviate(string diagnostics)
    {
        const int MaxLines = 24;
        var lines = diagnostics.Split('\n');
        return lines.Length <= MaxLines
            ? diagnostics
            : string.Join('\n', lines.Take(MaxLines)) + $"\n… ({lines.Length - MaxLines} more lines; {lines[^1].Trim()})";
    }

    private static Process StartOrExplain(ProcessStartInfo start)
    {
        try
        {
            return Process.Start(start) ?? throw new LavaException($"cannot start {Executable}");
        }
        catch (System.ComponentModel.Win32Exception)
        {
            throw new LavaException($"{Executable} is not installed (run tools/bootstrap.sh)");
        }
    }
}
