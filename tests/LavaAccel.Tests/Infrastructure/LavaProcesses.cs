using System.Diagnostics;

namespace LavaAccel.Tests;

/// <summary>
/// Long-running lava processes a test starts (<c>lava serve</c>, <c>lava node</c>), each writing
/// stdout and stderr to a log file; all of them killed (with their children) when the test ends.
/// </summary>
internal sealed class LavaProcesses : IDisposable
{
    private readonly List<Process> _processes = [];
    private readonly Lock _logs = new();

    /// <summary>Starts <paramref name="start"/>, its output appended to <paramref name="log"/>.</summary>
    public Process Start(ProcessStartInfo start, string log)
    {
        var process = Process.Start(start)!;
        process.OutputDataReceived += (_, e) => Append(log, e.Data);
        process.ErrorDataReceived += (_, e) => Append(log, e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        lock (_processes)
        {
            _processes.Add(process);
        }
        return process;
    }

    /// <summary>Polls <paramref name="condition"/> every 250 ms; fails naming <paramref name="what"/> (and <paramref name="context"/>'s text) after the limit.</summary>
    public static async Task WaitAsync(Func<bool> condition, string what, TimeSpan? limit = null, Func<string>? context = null)
    {
        var deadline = DateTime.UtcNow + (limit ?? TimeSpan.FromSeconds(60));
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, $"timed out waiting for {what}{context?.Invoke()}");
            await Task.Delay(250);
        }
    }

    /// <summary>A log file's text, or "" before anything was written.</summary>
    public static string Read(string log) => File.Exists(log) ? File.ReadAllText(log) : "";

    public void Dispose()
    {
        foreach (var process in _processes)
        {
            try
            {
                if (!process.HasExited)
                {
                    process.Kill(entireProcessTree: true);
                    process.WaitForExit(10_000);
                }
            }
            catch (InvalidOperationException)
            {
                // already gone
            }
            process.Dispose();
        }
    }

    private void Append(string log, string? line)
    {
        if (line is not null)
        {
            lock (_logs)
            {
                File.AppendAllText(log, line + "\n");
            }
        }
    }
}
