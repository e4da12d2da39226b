using System.Diagnostics;

namespace LavaAccel.Sandbox.Drivers;

/// <summary>
/// <c>--sandbox none</c>: the worker as a plain child process (the native worker's own seccomp
/// allowlist still applies). Its environment is the image's, not lava's (no tokens or secrets
/// reach it); a private /tmp becomes the job directory.
/// </summary>
public sealed class PlainDriver(SandboxState state) : ISandboxDriver
{
    /// <inheritdoc/>
    public SandboxKind Kind => SandboxKind.None;

    /// <inheritdoc/>
    public async Task<WorkerSlot> StartAsync(WorkerImage image, SandboxLimits limits, CancellationToken cancellation = default)
    {
        var clock = Stopwatch.StartNew();
        var id = SandboxState.NewId();
        var job = Directory.CreateDirectory(Path.Combine(state.Jobs, id)).FullName;
        var variant = Directory.CreateDirectory(Path.Combine(state.Variants, id)).FullName;
        var start = SandboxProcess.StartInfo(image.HostCommand[0], image.HostCommand.Skip(1));
        start.WorkingDirectory = job;
        start.Environment.Clear();
        foreach (var (name, value) in image.Environment)
        {
            // The private /tmp of a container is the job directory here.
            start.Environment[name] = image.PrivateTmp && value.StartsWith("/tmp", StringComparison.Ordinal) ? job + value[4..] : value;
        }
        var slot = new Slot(id, image, limits, job, variant, SandboxProcess.Start(start, "none"));
        return await slot.BecomeReadyAsync(clock, SandboxProcess.StartTimeout).ConfigureAwait(false);
    }

    private sealed class Slot(string id, WorkerImage image, SandboxLimits limits, string job, string variantDirectory, Process process)
        : WorkerSlot(SandboxKind.None, id, image, limits, job, process)
    {
        public override string JobDirectoryInside => HostJobDirectory;

        public override string PlaceVariant(string hostPath) => Path.Combine(variantDirectory, CopyVariant(hostPath, variantDirectory));

        public override void Kill() => SandboxProcess.KillTree(Process);

        public override int? ExitCode() => Process.HasExited ? Process.ExitCode : null;

        private protected override async ValueTask DestroyAsync()
        {
            SandboxProcess.KillTree(Process);
            await Process.WaitForExitAsync().ConfigureAwait(false);
            Process.Dispose();
            RemoveDirectory(HostJobDirectory);
            RemoveDirectory(variantDirectory);
        }
    }
}
