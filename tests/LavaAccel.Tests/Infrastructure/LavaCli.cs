using System.Diagnostics;
using System.Security.Cryptography;

namespace LavaAccel.Tests;

/// <summary>Runs the <c>lava</c> command line (the <c>lava.dll</c> next to the tests) against a given LAVA_HOME.</summary>
internal static class LavaCli
{
    /// <summary>What a finished <c>lava</c> process printed and returned.</summary>
    /// <param name="ExitCode">Exit status.</param>
    /// <param name="Stdout">Standard output.</param>
    /// <param name="Stderr">Standard error.</param>
    public sealed record Result(int ExitCode, string Stdout, string Stderr)
    {
        /// <summary>Exit status, stdout and stderr for assertion messages.</summary>
        public override string ToString() => $"exit {ExitCode}\nstdout:\n{Stdout}\nstderr:\n{Stderr}";
    }

    /// <summary>Runs lava with <c>LAVA_HOME=<paramref name="home"/></c> and waits (at most two minutes).</summary>
    public static Result Run(string home, params string[] args) => RunWith(home, null, args);

    /// <summary>Runs lava with <c>LAVA_HOME=<paramref name="home"/></c> and extra environment variables.</summary>
    public static Result RunWith(string home, IReadOnlyDictionary<string, string>? environment, params string[] args)
    {
        using var process = Process.Start(StartInfo(home, environment, args))!;
        var stderr = process.StandardError.ReadToEndAsync();
        var stdout = process.StandardOutput.ReadToEnd();
        if (!process.WaitForExit(TimeSpan.FromMinutes(2)))
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail($"lava {string.Join(' ', args)} did not finish in two minutes");
        }
        return new Result(process.ExitCode, stdout, stderr.Result);
    }

    /// <summary>Starts lava without waiting; its output is read and discarded.</summary>
    public static Process Start(string home, params string[] args)
    {
        var process = Process.Start(StartInfo(home, null, args))!;
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    /// <summary>A file of the repository (e.g. <c>kernels/saxpy.cl</c>), found above the test binaries.</summary>
    public static string RepoFile(string relative)
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            var candidate = Path.Combine(directory.FullName, relative);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }
        throw new FileNotFoundException($"{relative} is not above {AppContext.BaseDirectory}");
    }

    /// <summary><c>sha256:…</c> of a file's bytes.</summary>
    public static string Sha256Of(string path) => "sha256:" + Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(path)));

    internal static ProcessStartInfo StartInfo(string home, IReadOnlyDictionary<string, string>? environment, string[] args)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = home,
        };
        start.ArgumentList.Add("exec");
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "lava.dll"));
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }
        start.Environment["LAVA_HOME"] = home;
        start.Environment.Remove("LAVA_CACHE_MAX_SIZE");
        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[name] = value;
        }
        return start;
    }
}
