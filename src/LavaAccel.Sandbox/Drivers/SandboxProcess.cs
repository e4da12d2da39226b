using System.Diagnostics;

namespace LavaAccel.Sandbox.Drivers;

/// <summary>Starting and stopping the processes the drivers run.</summary>
internal static class SandboxProcess
{
    /// <summary>How long a sandbox may take to report ready.</summary>
    public static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(30);

    public static ProcessStartInfo StartInfo(string file, IEnumerable<string> arguments)
    {
        var start = new ProcessStartInfo(file)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }
        return start;
    }

    public static Process Start(ProcessStartInfo start, string what)
    {
        try
        {
            return Process.Start(start) ?? throw new LavaException($"cannot start the {what} sandbox ({start.FileName})");
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new LavaException($"cannot start the {what} sandbox ({start.FileName}): {e.Message}");
        }
    }

    public static void KillTree(Process process)
    {
        try
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }
    }

    /// <summary>Runs a short command (runc delete, …) to its end; returns its exit code and stderr.</summary>
    public static async Task<(int Code, string Error)> RunAsync(string file, params string[] arguments)
    {
        var start = StartInfo(file, arguments);
        start.RedirectStandardInput = false;
        using var process = Start(start, Path.GetFileName(file));
        var error = process.StandardError.ReadToEndAsync();
        await process.StandardOutput.ReadToEndAsync().ConfigureAwait(false);
        await process.WaitForExitAsync().ConfigureAwait(false);
        return (process.ExitCode, await error.ConfigureAwait(false));
    }
}
