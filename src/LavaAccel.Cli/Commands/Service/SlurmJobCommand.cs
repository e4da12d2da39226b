using System.CommandLine;
using LavaAccel.Sandbox;
using LavaAccel.Service.Slurm;

namespace LavaAccel.Cli.Service;

/// <summary>
/// <c>lava slurm-job SPOOL</c>: the Slurm side of <c>lava serve --executor slurm --slurm-mode job</c>
/// (what its batch scripts run on a Slurm node); not for people.
/// </summary>
internal static class SlurmJobCommand
{
    public static Command Create()
    {
        var spool = new Argument<string>("SPOOL") { Description = "The job's spool directory (written by the controller)" };
        var sandbox = new Option<string>("--sandbox") { Description = "Isolation of the job: oci or bwrap (auto: oci as root, else bwrap)", DefaultValueFactory = _ => "auto" };
        var command = new Command("slurm-job", "Run one job handed to Slurm by the controller (job mode)") { spool, sandbox };
        command.Hidden = true;
        command.SetAction(async (result, cancellation) =>
        {
            using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
            // scancel and Slurm's time limit send SIGTERM: stop the kernel, report the job cancelled.
            using var onTerminate = System.Runtime.InteropServices.PosixSignalRegistration.Create(System.Runtime.InteropServices.PosixSignal.SIGTERM, c =>
            {
                c.Cancel = true;
                stop.Cancel();
            });
            return await SlurmJobRun.RunAsync(Path.GetFullPath(result.GetValue(spool)!), SandboxKinds.ParseForService(result.GetValue(sandbox)!), stop.Token).ConfigureAwait(false);
        });
        return command;
    }
}
