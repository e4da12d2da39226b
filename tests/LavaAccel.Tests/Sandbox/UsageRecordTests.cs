using System.Text.Json;
using LavaAccel.Sandbox;

namespace LavaAccel.Tests.Sandbox;

/// <summary>Usage records against what the kernel itself measures in /proc (VmHWM) and getrusage.</summary>
[Collection("sandbox")]
public sealed class UsageRecordTests(HostileVariants variants) : IClassFixture<HostileVariants>
{
    public static TheoryData<SandboxKind> AllKinds() => new() { SandboxKind.Oci, SandboxKind.Bwrap, SandboxKind.None };

    [Theory]
    [MemberData(nameof(AllKinds))]
    public async Task Cpu_time_and_peak_memory_match_the_workers_own_figures(SandboxKind kind)
    {
        if (!HostileVariants.Available(kind))
        {
            return;
        }
        const int BurnMs = 400;
        const int Mib = 96;
        var outcome = await variants.RunAsync(kind, "burn", true, null, false, BurnMs, Mib);
        Assert.Equal(ExitReason.Completed, outcome.Run.Exit);
        var usage = outcome.Run.Usage;
        var own = outcome.Run.Report!.Usage!.Value;
        Assert.Equal(kind == SandboxKind.Oci ? "cgroup-v" : "rusage", usage.Source[..(kind == SandboxKind.Oci ? 8 : 6)]);
        // CPU: the kernel burned BurnMs of its own thread's CPU time (load cannot shorten that), so
        // the record, which counts the whole job, holds at least that much, as does the worker's
        // own rusage. No upper bounds: how much start-up adds is a busy machine's business.
        Assert.True(usage.CpuMs >= BurnMs * 0.9, $"record {usage.CpuMs} ms of CPU for a kernel that burned {BurnMs} ms");
        Assert.True(own.UserMs + own.SystemMs >= BurnMs * 0.9, $"the worker's rusage shows {own.UserMs + own.SystemMs} ms for a {BurnMs} ms burn");
        // Memory: the touched allocation, measured by the kernel's VmHWM in /proc/self/status.
        Assert.InRange(own.MaxRssBytes, Mib << 20, (Mib + 48L) << 20);
        Assert.InRange(usage.PeakMemoryBytes, (Mib - 1L) << 20, (Mib + 64L) << 20);
        Assert.True(Math.Abs(usage.PeakMemoryBytes - own.MaxRssBytes) < 48L << 20, $"record {usage.PeakMemoryBytes} vs VmHWM {own.MaxRssBytes}");
        // Wall: at least the burn (it ended: the await returned).
        Assert.True(usage.WallMs >= BurnMs, $"record {usage.WallMs} ms of wall time for a {BurnMs} ms burn");
    }

    [Fact]
    public async Task Runs_through_the_runtime_are_appended_to_the_usage_log()
    {
        var log = new UsageLog(Path.Combine(Path.GetTempPath(), $"usage-{Guid.NewGuid():N}.jsonl"));
        try
        {
            var record = new UsageRecord("lava-test", "oci", 12.5, 3, 1, 1 << 20, ExitReason.TimedOut, "cgroup-v1");
            log.Append(record, "k", "cpu/x86_64/x86-64-v2", "alice");
            log.Append(record with { Exit = ExitReason.Completed }, "k", "cpu/x86_64/x86-64-v2", "bob");
            var lines = log.Read().ToArray();
            Assert.Equal(2, lines.Length);
            Assert.Equal("timed_out", lines[0].GetProperty("exit").GetString());
            Assert.Equal("alice", lines[0].GetProperty("user").GetString());
            Assert.Equal(12.5, lines[0].GetProperty("wall_ms").GetDouble());
            Assert.Equal(1 << 20, lines[1].GetProperty("peak_memory_bytes").GetInt64());
            Assert.Equal(JsonValueKind.String, lines[1].GetProperty("time").ValueKind);
        }
        finally
        {
            File.Delete(log.Path);
        }
    }
}
