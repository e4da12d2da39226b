using System.CommandLine;
using LavaAccel.Service.Slurm;

namespace LavaAccel.Cli.Service;

/// <summary><c>lava slurm-compile SPOOL</c>: one task of a Slurm controller's compile array (what its batch script runs); not for people.</summary>
internal static class SlurmCompileCommand
{
    public static Command Create()
    {
        var spool = new Argument<string>("SPOOL") { Description = "The array's spool directory (written by the controller)" };
        var command = new Command("slurm-compile", "Compile one target of a Slurm compile array") { spool };
        command.Hidden = true;
        command.SetAction(result => SlurmCompileArray.RunTask(Path.GetFullPath(result.GetValue(spool)!)));
        return command;
    }
}
