using System.Diagnostics;
using System.Globalization;
using LavaAccel.Sandbox.Cgroups;

namespace LavaAccel.Sandbox.Drivers;

/// <summary>
/// <c>--sandbox oci</c>: an OCI bundle (<see cref="OciConfig"/>) run detached by runc. The worker
/// keeps lava's pipes as its stdin and stdout, so the container needs no socket; its cgroup stays
/// until <c>runc delete</c>, so the usage can be read after the worker ends.
/// </summary>
public sealed class RuncDriver(SandboxState state) : ISandboxDriver
{
    /// <inheritdoc/>
    public SandboxKind Kind => SandboxKind.Oci;

    /// <inheritdoc/>
    public async Task<WorkerSlot> StartAsync(WorkerImage image, SandboxLimits limits, CancellationToken cancellation = default)
    {
        var runc = HostTools.Runc ?? throw new LavaException("--sandbox oci needs runc (apt-get install runc), or use --sandbox bwrap");
        if (!Environment.IsPrivilegedProcess)
        {
            throw new LavaException("--sandbox oci needs root (runc); without root use --sandbox bwrap");
        }
        UnixProcesses.BecomeSubreaper();
        var clock = Stopwatch.StartNew();
        var id = SandboxState.NewId();
        var job = Directory.CreateDirectory(Path.Combine(state.Jobs, id)).FullName;
        UnixFiles.GiveToNobody(job);
        var variant = Directory.CreateDirectory(Path.Combine(state.Variants, id)).FullName;
        var bundle = Directory.CreateDirectory(Path.Combine(state.Bundles, id)).FullName;
        var config = new OciConfig(state.RootFs, image, limits, CgroupPath(id))
        {
            Mounts =
            {
                new OciMount(LavaAccel.Host.NativeRuntime.Root, WorkerImage.RuntimeInside, ReadOnly: true),
                new OciMount(job, WorkerImage.JobInside, ReadOnly: false),
                new OciMount(variant, WorkerImage.VariantInside, ReadOnly: true),
            },
        };
        File.WriteAllText(Path.Combine(bundle, "config.json"), config.ToJson());
        var pidFile = Path.Combine(bundle, "pid");
        var start = SandboxProcess.StartInfo(runc, ["--root", state.RuncRoot, "run", "--detach", "--pid-file", pidFile, "--bundle", bundle, id]);
        var slot = new Slot(state, id, image, limits, job, variant, bundle, pidFile, SandboxProcess.Start(start, "oci"));
        return await slot.BecomeReadyAsync(clock, SandboxProcess.StartTimeout).ConfigureAwait(false);
    }

    /// <summary>The container's cgroup: <c>/lava/ID</c> in every controller (or the unified tree).</summary>
    public static string CgroupPath(string id) => "/lava/" + id;

    private sealed class Slot(SandboxState state, string id, WorkerImage image, SandboxLimits limits, string job, string variantDirectory, string bundle, string pidFile, Process process)
        : WorkerSlot(SandboxKind.Oci, id, image, limits, job, process)
    {
        public override string JobDirectoryInside => WorkerImage.JobInside;

        public override string PlaceVariant(string hostPath) => WorkerImage.VariantInside + "/" + CopyVariant(hostPath, variantDirectory);

        public override void Adopt(string hostPath) => UnixFiles.GiveToNobody(hostPath);

        /// <summary>Kills the container's init (the worker): the kernel then ends everything in its PID namespace.</summary>
        public override void Kill()
        {
            // Once reaped, the pid may belong to someone else.
            if (_exit is null && int.TryParse(ReadPid(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var pid))
            {
                try
                {
                    using var worker = System.Diagnostics.Process.GetProcessById(pid);
                    worker.Kill();
                }
                catch (ArgumentException)
                {
                    // Already gone.
                }
                catch (InvalidOperationException)
                {
                }
            }
        }

        private CgroupUsage? _baseline;

        /// <summary>
        /// The container's start (runc's init, the loader) is not the job's: the usage is counted
        /// from the moment the worker is ready.
        /// </summary>
        private protected override void OnReady()
        {
            _baseline = Cgroups.CgroupUsage.Read(CgroupLayout.Host, CgroupPath(Id));
            Cgroups.CgroupUsage.ResetPeak(CgroupLayout.Host, CgroupPath(Id));
        }

        private int? _exit;

        /// <summary>
        /// The worker's status: lava inherits it from runc as a subreaper and waits for it. The
        /// worker is lava's child only once <c>runc run --detach</c> has exited: a quick job can end
        /// before that (a busy machine), so runc's exit comes first.
        /// </summary>
        public override int? ExitCode()
        {
            if (_exit is null && Process.WaitForExit(TimeSpan.FromSeconds(10))
                && int.TryParse(ReadPid(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var pid))
            {
                _exit = UnixProcesses.Reap(pid, TimeSpan.FromSeconds(2));
            }
            return _exit;
        }

        public override CgroupUsage? CgroupUsage()
        {
            var now = Cgroups.CgroupUsage.Read(CgroupLayout.Host, CgroupPath(Id));
            return now is not null && _baseline is not null ? now.Since(_baseline) : now;
        }

        private protected override async ValueTask DestroyAsync()
        {
            Kill();
            ExitCode(); // reaps the worker, so that no zombie is left behind
            await SandboxProcess.RunAsync(HostTools.Runc!, "--root", state.RuncRoot, "delete", "--force", Id).ConfigureAwait(false);
            try
            {
                await Process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(10)).ConfigureAwait(false);
            }
            catch (TimeoutException)
            {
                SandboxProcess.KillTree(Process); // a runc that hung while starting the container
            }
            Process.Dispose();
            RemoveDirectory(HostJobDirectory);
            RemoveDirectory(variantDirectory);
            RemoveDirectory(bundle);
        }

        private string? ReadPid()
        {
            try
            {
                return File.ReadAllText(pidFile).Trim();
            }
            catch (IOException)
            {
                return null;
            }
        }
    }
}
