using System.Diagnostics;
using LavaAccel.Sandbox;
using LavaAccel.Sandbox.Drivers;

namespace LavaAccel.Tests.Sandbox;

/// <summary>What a killed lava process left behind is removed by the next one; nothing else is.</summary>
[Collection("sandbox")]
public sealed class SandboxJanitorTests : IDisposable
{
    private readonly TempLavaHome _home = new();

    public void Dispose() => _home.Dispose();

    [Fact]
    public async Task Sandboxes_of_dead_processes_are_removed_and_live_ones_kept()
    {
        var state = new SandboxState(Path.Combine(_home.Path, "sandbox"));
        // A pid that no process has.
        var dead = DeadPid();
        var orphan = $"lava-{dead}-0123456789ab";
        var live = $"lava-{Environment.ProcessId}-0123456789ab";
        foreach (var id in new[] { orphan, live })
        {
            Directory.CreateDirectory(Path.Combine(state.Jobs, id));
            Directory.CreateDirectory(Path.Combine(state.Variants, id));
        }
        var running = HostileVariants.Available(SandboxKind.Oci);
        if (running)
        {
            // A container whose owner died while its kernel ran: still running.
            var bundle = Directory.CreateDirectory(Path.Combine(state.Bundles, orphan)).FullName;
            var config = new OciConfig(state.RootFs, WorkerImages.Native("x86_64") with { Command = ["/bin/sh", "-c", "sleep 60"] }, SandboxLimits.None, RuncDriver.CgroupPath(orphan));
            await File.WriteAllTextAsync(Path.Combine(bundle, "config.json"), config.ToJson());
            using var runc = Process.Start(new ProcessStartInfo(HostTools.Runc!, ["--root", state.RuncRoot, "run", "--detach", "--bundle", bundle, orphan]) { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true })!;
            await runc.WaitForExitAsync();
            Assert.True(runc.ExitCode == 0, await runc.StandardError.ReadToEndAsync());
        }

        var removed = await SandboxJanitor.SweepAsync(state);

        Assert.Equal(1, removed);
        Assert.False(Directory.Exists(Path.Combine(state.Jobs, orphan)));
        Assert.False(Directory.Exists(Path.Combine(state.Variants, orphan)));
        Assert.False(Directory.Exists(Path.Combine(state.Bundles, orphan)));
        Assert.True(Directory.Exists(Path.Combine(state.Jobs, live)));
        if (running)
        {
            Assert.Empty(Directory.EnumerateFileSystemEntries(state.RuncRoot));
        }
    }

    private static int DeadPid()
    {
        for (var pid = 4_000_000; ; pid--)
        {
            if (!Directory.Exists($"/proc/{pid}"))
            {
                return pid;
            }
        }
    }
}
