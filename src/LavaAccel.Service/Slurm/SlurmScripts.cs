using System.Text;
using LavaAccel.Host;

namespace LavaAccel.Service.Slurm;

/// <summary>
/// Batch scripts that run this lava on a Slurm node (the same install, reached through a shared
/// file system as Slurm sites have) — a pilot's <c>lava node</c> or one job's <c>lava slurm-job</c>.
/// </summary>
public static class SlurmScripts
{
    /// <summary>Writes an executable <c>#!/bin/sh</c> script at <paramref name="path"/> that runs lava with <paramref name="arguments"/>.</summary>
    public static string Write(string path, IReadOnlyDictionary<string, string> environment, IEnumerable<string> arguments)
    {
        var lava = WorkerExecutable.StartInfo("lava");
        var text = new StringBuilder("#!/bin/sh\n# Written by lava serve --executor slurm.\n");
        foreach (var (name, value) in environment)
        {
            text.Append("export ").Append(name).Append('=').Append(Quote(value)).Append('\n');
        }
        text.Append("exec ").Append(Quote(lava.FileName));
        foreach (var argument in lava.ArgumentList.Concat(arguments))
        {
            text.Append(' ').Append(Quote(argument));
        }
        text.Append('\n');
        File.WriteAllText(path, text.ToString());
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        return path;
    }

    private static string Quote(string value) => "'" + value.Replace("'", "'\\''", StringComparison.Ordinal) + "'";
}
