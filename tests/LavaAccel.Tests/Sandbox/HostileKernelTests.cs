using LavaAccel.Sandbox;

namespace LavaAccel.Tests.Sandbox;

/// <summary>
/// Hostile kernels against each sandbox: every attack is stopped (or contained) with a clear
/// account, the host is untouched, and the deployment keeps running jobs. Each layer is tested on
/// its own: the worker's filter, and the container with the worker's filter switched off.
/// </summary>
[Collection("sandbox")]
public sealed class HostileKernelTests(HostileVariants variants) : IClassFixture<HostileVariants>
{
    private const int Eperm = 1;
    private const int Enoent = 2;
    private const int Erofs = 30;

    public static TheoryData<SandboxKind, string, string> Attacks()
    {
        var data = new TheoryData<SandboxKind, string, string>();
        foreach (var kind in new[] { SandboxKind.Oci, SandboxKind.Bwrap, SandboxKind.None })
        {
            data.Add(kind, "read_passwd", "openat");
            data.Add(kind, "network", "socket");
            data.Add(kind, "fork_bomb", "clone");
            data.Add(kind, "exec_shell", "execve");
            data.Add(kind, "trace_init", "ptrace");
            data.Add(kind, "write_outside", "openat");
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(Attacks))]
    public async Task Worker_filter_stops_each_attack_and_names_the_call(SandboxKind kind, string kernel, string syscall)
    {
        if (!HostileVariants.Available(kind))
        {
            return;
        }
        var outcome = await variants.RunAsync(kind, kernel);
        Assert.Equal(ExitReason.Forbidden, outcome.Run.Exit);
        Assert.Contains($"forbidden system call ({syscall}", outcome.Run.Message);
        Assert.Contains(kind.Name(), outcome.Run.Message);
        Assert.Equal(0, outcome.Result);
    }

    public static TheoryData<SandboxKind> Containers() => new() { SandboxKind.Oci, SandboxKind.Bwrap };

    [Theory]
    [MemberData(nameof(Containers))]
    public async Task Container_alone_hides_host_files(SandboxKind kind)
    {
        if (!HostileVariants.Available(kind))
        {
            return;
        }
        Assert.True(File.Exists("/etc/passwd"));
        var outcome = await variants.RunAsync(kind, "read_passwd", workerSeccomp: false);
        Assert.Equal(ExitReason.Completed, outcome.Run.Exit);
        Assert.Equal(-1, outcome.Result);
        Assert.Equal(Enoent, outcome.Errno);
    }

    [Theory]
    [MemberData(nameof(Containers))]
    public async Task Container_alone_refuses_network_fork_and_ptrace(SandboxKind kind)
    {
        if (!HostileVariants.Available(kind))
        {
            return;
        }
        foreach (var kernel in new[] { "network", "fork_bomb", "trace_init" })
        {
            var outcome = await variants.RunAsync(kind, kernel, workerSeccomp: false);
            Assert.True(outcome.Run.Exit == ExitReason.Completed, $"{kernel}: {outcome.Run.Message}");
            Assert.True(outcome.Result <= 0, $"{kernel} succeeded inside the container ({outcome.Result})");
            Assert.Equal(Eperm, outcome.Errno);
        }
    }

    [Fact]
    public async Task Oci_container_has_no_interface_up()
    {
        if (!HostileVariants.Available(SandboxKind.Oci) || !File.Exists(LavaAccel.Sandbox.Drivers.OciConfig.IpTool))
        {
            return;
        }
        var outcome = await variants.RunAsync(SandboxKind.Oci, "loopback_flags", workerSeccomp: false);
        Assert.True(outcome.Run.Exit == ExitReason.Completed, $"loopback_flags: {outcome.Run.Exit}: {outcome.Run.Message}");
        Assert.True(outcome.Result >= 0, $"cannot read the loopback's flags (errno {outcome.Errno})");
        Assert.Equal(0, outcome.Result & 1); // IFF_UP
    }

    [Theory]
    [MemberData(nameof(Containers))]
    public async Task Container_alone_keeps_writes_inside_the_job_directory(SandboxKind kind)
    {
        if (!HostileVariants.Available(kind))
        {
            return;
        }
        string[] hostPaths = ["/lava-escape", "/usr/lava-escape", "/tmp/lava-escape", Path.Combine(variants.Deployment.State.Jobs, "lava-escape")];
        var before = hostPaths.Where(File.Exists).ToArray();
        var outcome = await variants.RunAsync(kind, "write_outside", workerSeccomp: false);
        Assert.Equal(ExitReason.Completed, outcome.Run.Exit);
        Assert.Equal(0, outcome.Result);
        Assert.Contains(outcome.Errno, new long[] { Enoent, Erofs, 13 });
        Assert.Equal(before, hostPaths.Where(File.Exists).ToArray());
    }

    [Theory]
    [MemberData(nameof(AllKinds))]
    public async Task Result_files_cannot_be_grown_to_fill_the_disk(SandboxKind kind)
    {
        if (!HostileVariants.Available(kind))
        {
            return;
        }
        var outcome = await variants.RunAsync(kind, "grow_files");
        Assert.Equal(ExitReason.Completed, outcome.Run.Exit);
        Assert.Equal(0, outcome.Result);
        Assert.True(outcome.Errno >= 1, $"expected the open result file's growth to be refused with EFBIG ({outcome.Errno} refusals)");
    }

    [Fact]
    public async Task Pids_limit_stops_a_thread_bomb()
    {
        if (!HostileVariants.Available(SandboxKind.Oci))
        {
            return;
        }
        var outcome = await variants.RunAsync(SandboxKind.Oci, "thread_bomb", workerSeccomp: false, new SandboxLimits(Pids: 64));
        Assert.Equal(ExitReason.Completed, outcome.Run.Exit);
        Assert.InRange(outcome.Result, 1, 63);
        Assert.Equal(11, outcome.Errno); // EAGAIN from pthread_create
    }

    public static TheoryData<SandboxKind> AllKinds() => new() { SandboxKind.Oci, SandboxKind.Bwrap, SandboxKind.None };

    [Theory]
    [MemberData(nameof(AllKinds))]
    public async Task Infinite_loop_is_killed_and_reported_within_the_limit_plus_one_second(SandboxKind kind)
    {
        if (!HostileVariants.Available(kind))
        {
            return;
        }
        var outcome = await variants.RunAsync(kind, "spin", limits: new SandboxLimits(Time: TimeSpan.FromSeconds(1)));
        // Behaviour, not figures: stopped by its limit (named), not before it (load cannot shorten
        // a run), and charged for the CPU it used. How soon after is the benchmarks' business.
        Assert.Equal(ExitReason.TimedOut, outcome.Run.Exit);
        Assert.Contains("time limit of 1 s", outcome.Run.Message);
        Assert.True(outcome.Run.Usage.WallMs >= 900, $"stopped after {outcome.Run.Usage.WallMs} ms, before its limit");
        Assert.True(outcome.Run.Usage.CpuMs > 0, "a spinning kernel was charged no CPU");
    }

    [Theory]
    [MemberData(nameof(AllKinds))]
    public async Task Lava_kills_a_worker_that_does_not_stop_itself(SandboxKind kind)
    {
        if (!HostileVariants.Available(kind))
        {
            return;
        }
        var outcome = await variants.RunAsync(kind, "spin", limits: new SandboxLimits(Time: TimeSpan.FromSeconds(1)), hostLimitOnly: true);
        Assert.Equal(ExitReason.TimedOut, outcome.Run.Exit);
        // Behaviour, not figures: lava's own kill stopped it (a worker that ignores its limit would
        // run for ever and this await would not return), not before its limit.
        Assert.True(outcome.Run.Usage.WallMs >= 900, $"stopped after {outcome.Run.Usage.WallMs} ms, before its limit");
    }

    [Theory]
    [MemberData(nameof(AllKinds))]
    public async Task Closing_stdout_does_not_escape_the_time_limit(SandboxKind kind)
    {
        if (!HostileVariants.Available(kind))
        {
            return;
        }
        var outcome = await variants.RunAsync(kind, "close_stdout_spin", limits: new SandboxLimits(Time: TimeSpan.FromSeconds(1)));
        Assert.Equal(ExitReason.TimedOut, outcome.Run.Exit);
        Assert.True(outcome.Run.Usage.WallMs >= 900, $"stopped after {outcome.Run.Usage.WallMs} ms, before its limit"); // ran to its limit, then stopped
    }

    [Theory]
    [MemberData(nameof(AllKinds))]
    public async Task Flooding_stderr_is_cut_not_kept(SandboxKind kind)
    {
        if (!HostileVariants.Available(kind))
        {
            return;
        }
        var outcome = await variants.RunAsync(kind, "flood");
        Assert.Equal(ExitReason.Completed, outcome.Run.Exit);
        Assert.Equal(42, outcome.Result);
        Assert.InRange(outcome.Run.KernelOutput.Length, WorkerSlot.StderrLimit, WorkerSlot.StderrLimit + 200);
        Assert.EndsWith("more characters not kept]\n", outcome.Run.KernelOutput);
    }

    [Theory]
    [MemberData(nameof(AllKinds))]
    public async Task Out_of_bounds_write_is_reported_as_a_crash(SandboxKind kind)
    {
        if (!HostileVariants.Available(kind))
        {
            return;
        }
        var outcome = await variants.RunAsync(kind, "oob_write");
        Assert.Equal(ExitReason.Crashed, outcome.Run.Exit);
        Assert.Contains("SIGSEGV", outcome.Run.Message);
    }

    [Fact]
    public async Task Memory_exhaustion_in_a_container_is_reported_as_out_of_memory()
    {
        if (!HostileVariants.Available(SandboxKind.Oci))
        {
            return;
        }
        var outcome = await variants.RunAsync(SandboxKind.Oci, "hog_memory", limits: new SandboxLimits(MemoryBytes: 64L << 20));
        Assert.Equal(ExitReason.OutOfMemory, outcome.Run.Exit);
        Assert.Contains("ran out of memory (limit 64 MiB)", outcome.Run.Message);
        Assert.InRange(outcome.Run.Usage.PeakMemoryBytes, 32L << 20, 64L << 20);
    }

    [Theory]
    [InlineData(SandboxKind.Bwrap)]
    [InlineData(SandboxKind.None)]
    public async Task Memory_exhaustion_without_cgroups_meets_the_data_limit(SandboxKind kind)
    {
        if (!HostileVariants.Available(kind))
        {
            return;
        }
        var outcome = await variants.RunAsync(kind, "hog_memory", limits: new SandboxLimits(MemoryBytes: 64L << 20));
        Assert.Equal(ExitReason.Completed, outcome.Run.Exit);
        Assert.InRange(outcome.Result, 0, 4);
        Assert.Equal(12, outcome.Errno); // ENOMEM
    }

    [Theory]
    [MemberData(nameof(AllKinds))]
    public async Task Deployment_keeps_running_jobs_after_hostile_ones(SandboxKind kind)
    {
        if (!HostileVariants.Available(kind))
        {
            return;
        }
        await variants.RunAsync(kind, "oob_write");
        await variants.RunAsync(kind, "spin", limits: new SandboxLimits(Time: TimeSpan.FromMilliseconds(300)));
        // The worker's filter stays on without a container: this is a real fork bomb.
        await variants.RunAsync(kind, "fork_bomb", workerSeccomp: kind == SandboxKind.None);
        var good = await variants.RunAsync(kind, "good");
        Assert.True(good.Run.Exit == ExitReason.Completed, $"{good.Run.Exit}: {good.Run.Message}");
        Assert.Equal(42, good.Result);
        var left = Directory.EnumerateFileSystemEntries(variants.Deployment.State.Jobs).ToArray();
        Assert.True(left.Length == 0, "job directories left behind: " + string.Join(", ", left));
    }
}
