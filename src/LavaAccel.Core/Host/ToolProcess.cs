using System.Diagnostics;

namespace LavaAccel.Host;

/// <summary>Runs an external toolchain program (ld.lld, llvm-spirv, spirv-val) to its end.</summary>
public static class ToolProcess
{
    /// <summary>Runs <paramref name="tool"/>; returns its stdout, or throws "<paramref name="what"/> failed: stderr".</summary>
    public static string Run(string tool, IEnumerable<string> arguments, string what)
    {
        var start = new ProcessStartInfo(tool)
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }
        Process process;
        try
        {
            process = Process.Start(start) ?? throw new LavaException($"cannot start {tool}");
        }
        catch (System.ComponentModel.Win32Exception)
        {
            throw new LavaException($"{tool} is not installed (run tools/bootstrap.sh)");
        }
        using (process)
        {
            var stderr = process.StandardError.ReadToEndAsync();
            var stdout = process.StandardOutput.ReadToEnd();
            process.WaitForExit();
            if (process.ExitCode != 0)
            {
                var message = (stderr.Result.Trim() + "\n" + stdout.Trim()).Trim();
                throw new LavaException($"{what} failed: {string.Join(" | ", message.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Take(4))}");
            }
            return stdout;
        }
    }
}
