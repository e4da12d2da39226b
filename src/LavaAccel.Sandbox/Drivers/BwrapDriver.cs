using System.Diagnostics;
using LavaAccel.Sandbox.Seccomp;

namespace LavaAccel.Sandbox.Drivers;

/// <summary>
/// <c>--sandbox bwrap</c>: bubblewrap, for hosts where lava does not run as root. New user, PID,
/// mount, IPC, UTS, network and cgroup namespaces; a read-only root holding only <c>/usr</c>, the
/// runtime and the job; every capability dropped; the seccomp allowlist. bubblewrap sets no cgroup
/// limits: memory is bounded by the worker's data-size limit, processes by its seccomp filter.
/// The image's read-only paths, device nodes, private /tmp and environment (nothing else of
/// lava's) are added.
/// </summary>
public sealed class BwrapDriver(SandboxState state) : ISandboxDriver
{
    private readonly Dictionary<SyscallProfile, string> _programs = [];
    private readonly Lock _lock = new();

    // One compiled filter per profile, written once per deployment.
    private string Program(SyscallProfile profile)
    {
        lock (_lock)
        {
            if (!_programs.TryGetValue(profile, out var path))
            {
                path = Path.Combine(state.Root, $"seccomp-{profile.ToString().ToLowerInvariant()}.bpf");
                SeccompBpf.WriteProgram(path, profile);
                _programs[profile] = path;
            }
            return path;
        }
    }

    /// <inheritdoc/>
    public SandboxKind Kind => SandboxKind.Bwrap;

    /// <inheritdoc/>
    public async Task<WorkerSlot> StartAsync(WorkerImage image, SandboxLimits limits, CancellationToken cancellation = default)
    {
        var bwrap = HostTools.Bwrap ?? throw new LavaException("--sandbox bwrap needs bubblewrap (apt-get install bubblewrap)");
        var clock = Stopwatch.StartNew();
        var id = SandboxState.NewId();
        var job = Directory.CreateDirectory(Path.Combine(state.Jobs, id)).FullName;
        var variant = Directory.CreateDirectory(Path.Combine(state.Variants, id)).FullName;
        // bwrap reads the filter from a descriptor: the shell opens it as fd 3, then becomes bwrap.
        var arguments = new List<string>
        {
            "-c", "bpf=$1; shift; exec \"$@\" 3<\"$bpf\"", "sh", Program(image.Syscalls),
            bwrap, "--seccomp", "3",
            "--unshare-all", "--unshare-user", "--uid", $"{UnixFiles.Nobody}", "--gid", $"{UnixFiles.Nobody}",
            // No --die-with-parent: its PR_SET_PDEATHSIG fires when the *thread* that started bwrap
            // exits, and .NET starts processes from pool threads that come and go. If lava dies,
            // a waiting worker sees its stdin close and exits; the janitor removes the rest.
            "--new-session", "--cap-drop", "ALL", "--hostname", "lava",
            "--ro-bind", "/usr", "/usr",
            "--symlink", "usr/lib", "/lib", "--symlink", "usr/lib64", "/lib64", "--symlink", "usr/bin", "/bin",
            "--ro-bind", LavaAccel.Host.NativeRuntime.Root, WorkerImage.RuntimeInside,
            "--bind", job, WorkerImage.JobInside,
            "--ro-bind", variant, WorkerImage.VariantInside,
            "--proc", "/proc", "--dev", "/dev",
            "--ro-bind", "/sys/devices/system/cpu", "/sys/devices/system/cpu",
        };
        if (image.PrivateTmp)
        {
            // Before the read-only paths, which may lie under /tmp.
            arguments.AddRange(["--size", $"{WorkerImage.PrivateTmpBytes}", "--tmpfs", "/tmp"]);
        }
        foreach (var path in image.ReadOnlyPaths)
        {
            arguments.AddRange(["--ro-bind", path, path]);
        }
        foreach (var device in image.Devices)
        {
            arguments.AddRange(["--dev-bind", device, device]);
        }
        arguments.AddRange(["--remount-ro", "/", "--chdir", WorkerImage.JobInside, "--clearenv"]);
        foreach (var (name, value) in image.Environment)
        {
            arguments.AddRange(["--setenv", name, value]);
        }
        arguments.Add("--");
        arguments.AddRange(image.Command);
        var start = SandboxProcess.StartInfo("/bin/sh", arguments);
        start.Environment.Clear();
        start.Environment["PATH"] = "/usr/bin:/bin";
        var slot = new Slot(id, image, limits, job, variant, SandboxProcess.Start(start, "bwrap"));
        return await slot.BecomeReadyAsync(clock, SandboxProcess.StartTimeout).ConfigureAwait(false);
    }

    private sealed class Slot(string id, WorkerImage image, SandboxLimits limits, string job, string variantDirectory, Process process)
        : WorkerSlot(SandboxKind.Bwrap, id, image, limits, job, process)
    {
        public override string JobDirectoryInside => WorkerImage.JobInside;

        public override string PlaceVariant(string hostPath) => WorkerImage.VariantInside + "/" + CopyVariant(hostPath, variantDirectory);

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
