using System.Diagnostics;

namespace LavaAccel.Host;

/// <summary>Starts lava's helper executables (<c>lava-compile-worker</c>, <c>lava-ilgpu-worker</c>), which sit next to lava.</summary>
public static class WorkerExecutable
{
    /// <summary>A start description for <paramref name="name"/> with stdout and stderr redirected.</summary>
    public static ProcessStartInfo StartInfo(string name)
    {
        var baseDir = AppContext.BaseDirectory;
        var apphost = Path.Combine(baseDir, name);
        var dll = Path.Combine(baseDir, name + ".dll");
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
            throw new LavaException($"{name} is missing from {baseDir}");
        }
        start.RedirectStandardError = true;
        start.RedirectStandardOutput = true;
        start.UseShellExecute = false;
        // A crashing worker should not leave a core file behind for every bad package or kernel.
        start.Environment["DOTNET_DbgEnableMiniDump"] = "0";
        return start;
    }
}
