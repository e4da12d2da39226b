using System.Diagnostics;

namespace LavaAccel.Sandbox.Drivers;

/// <summary><c>--sandbox none</c>: the worker as a plain child process (its own seccomp filter still applies).</summary>
public sealed class PlainDriver(SandboxState state) : ISandboxDriver
{
    /// <inheritdoc/>
    public SandboxKind Kind => SandboxKind.None;

    /// <inheritdoc/>
    public async Task<WorkerSlot> StartAsync(string arch, SandboxLimits limits, CancellationToken cancellation = default)
    {
        var clock = Stopwatch.StartNew();
        var id = SandboxState.NewId();
        var job = Directory.CreateDirectory(Path.Combine(state.Jobs, id)).FullName;
        var command = WorkerImage.Command(arch, WorkerImage.HostRuntime);
        var start = SandboxProcess.StartInfo(command[0], command.Skip(1));
        start.WorkingDirectory = job;
        var slot = new Slot(id, arch, limits, job, SandboxProcess.Start(start, "none"));
        return await slot.BecomeReadyAsync(clock, SandboxProcess.StartTimeout).ConfigureAwait(false);
    }

    private sealed class Slot(string id, string arch, SandboxLimits limits, string job, Process process)
        : WorkerSlot(SandboxKind.None, id, arch, limits, job, process)
    {
        public override string JobDirectoryInside => HostJobDirectory;

        public override string PlaceVariant(string hostPath) => Path.GetFullPath(hostPath);

        public override void Kill() => SandboxProcess.KillTree(Process);

        public override int? ExitCode() => Process.HasExited ? Process.ExitCode : null;

        private protected override async ValueTask DestroyAsync()
        {
            SandboxProcess.KillTree(Process);
            await Process.WaitForExitAsync().ConfigureAwait(false);
            Process.Dispose();
            RemoveDirectory(HostJobDirectory);
        }
    }
}
