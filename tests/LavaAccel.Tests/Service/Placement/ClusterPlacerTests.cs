using System.Text.Json;
using LavaAccel.Api.V1;
using LavaAccel.Devices;
using LavaAccel.Scheduling;
using LavaAccel.Service.Placement;

namespace LavaAccel.Tests.Service.Placement;

/// <summary>
/// The controller's placement over several nodes: earliest expected finish with each node's
/// workers as lanes, targets and device kinds respected, the language of the kernels respected,
/// and a job nothing can run named as such. Real device profiles, a real history.
/// </summary>
public sealed class ClusterPlacerTests
{
    private const string V3 = "cpu/x86_64/x86-64-v3";
    private const string V4 = "cpu/x86_64/x86-64-v4";
    private static readonly KernelWork Work = new("ir:k", 2, 12, 1 << 20, 8 << 20, []);
    private static readonly IReadOnlyList<DeviceProfile> Profiles = ProfileCatalog.Load();

    private static Device Cpu(string node, string profile, params string[] targets)
    {
        var device = new Device { Id = $"{node}/{profile}", Node = node, Kind = "cpu", Model = profile, ProfileJson = JsonSerializer.Serialize(Profiles.Single(p => p.Id == profile), DeviceJsonContext.Default.DeviceProfile) };
        device.Targets.AddRange(targets);
        return device;
    }

    // Each job takes 0.1 s on the fast node's device and 0.4 s on the slow one's (learned).
    private static PerformanceHistory History()
    {
        var history = new PerformanceHistory();
        for (var i = 0; i < PerformanceHistory.MinimumSamples; i++)
        {
            history.Record(Work.KernelKey, V3, "amd-epyc-9654", Work.WorkItems, 0.1);
            history.Record(Work.KernelKey, V3, "amd-epyc-7763", Work.WorkItems, 0.4);
        }
        return history;
    }

    private static readonly ClusterNode Fast = new("fast", 1, [Cpu("fast", "amd-epyc-9654", V3)]);
    private static readonly ClusterNode Slow = new("slow", 1, [Cpu("slow", "amd-epyc-7763", V3)]);

    private static PendingJob Job(int i, string? target = null, string? require = null, string language = "opencl-c") =>
        new($"j{i}", "sha256:p", Work, language, target, require);

    [Fact]
    public void Jobs_go_where_they_are_expected_to_finish_first_not_to_the_first_free_node()
    {
        var placed = new ClusterPlacer(History()).Place([Fast, Slow], [], [.. Enumerable.Range(1, 5).Select(i => Job(i))], (_, _) => true, 0);
        // fast finishes jobs at 0.1, 0.2, 0.3, 0.4 s; the fifth would end at 0.5 s there, 0.4 s on slow.
        Assert.Equal(["fast", "fast", "fast", "fast", "slow"], placed.Select(p => p.Node));
        Assert.All(placed, p => Assert.Equal(V3, p.Target));
        Assert.Equal("", placed[0].Reason);
        Assert.StartsWith("Priority: 1 earlier job(s) go first on node fast", placed[1].Reason);
        Assert.Equal("", placed[4].Reason);
        Assert.Equal("fast/amd-epyc-9654", placed[0].Device);
        Assert.Equal("amd-epyc-9654", placed[0].Profile); // the history's key, not the node-scoped id
        Assert.Contains("history", placed[0].Explanation!.Chosen.Basis);
        Assert.Equal("slow", placed[0].Explanation!.RunnersUp.Single().Node);
    }

    [Fact]
    public void A_busy_node_makes_a_job_wait_for_resources_or_go_elsewhere()
    {
        var placer = new ClusterPlacer(History());
        // A job on fast still has 0.2 s to go: the next one waits there (0.3 s) rather than run on slow (0.4 s).
        var waiting = placer.Place([Fast, Slow], [new RunningJob("fast", 0.5, 0)], [Job(1)], (_, _) => true, 300).Single();
        Assert.Equal("fast", waiting.Node);
        Assert.StartsWith("Resources: the 1 worker(s) of node fast are busy (one frees in ≈ 200 ms)", waiting.Reason);
        // With 2 s to go, slow is sooner.
        Assert.Equal("slow", placer.Place([Fast, Slow], [new RunningJob("fast", 2.3, 0)], [Job(1)], (_, _) => true, 300).Single().Node);
        // Two workers on fast: the running job takes one lane only.
        var wide = Fast with { Workers = 2 };
        Assert.Equal("fast", placer.Place([wide, Slow], [new RunningJob("fast", 2.3, 0)], [Job(1)], (_, _) => true, 300).Single().Node);
    }

    [Fact]
    public void A_named_target_goes_only_to_a_node_that_offers_it_and_compiling_counts()
    {
        var v4Node = new ClusterNode("slow4", 1, [Cpu("slow4", "amd-epyc-7763", V3, V4)]);
        var placer = new ClusterPlacer(History());
        Assert.Equal("slow4", placer.Place([Fast, v4Node], [], [Job(1, V4)], (_, _) => true, 0).Single().Node);
        // Fast's variant is not compiled yet: the compile is part of its estimate.
        var placed = placer.Place([Fast], [], [Job(1)], (_, _) => false, 0).Single();
        Assert.Equal(Scheduler.CompileSeconds, placed.Explanation!.Chosen.CompileSeconds);
    }

    [Fact]
    public void A_job_nothing_can_run_is_named_with_what_is_missing()
    {
        var placer = new ClusterPlacer(History());
        Assert.Equal($"no live node offers target nvptx/sm_90 (offered: {V3})", placer.Unplaceable([Fast, Slow], Job(1, "nvptx/sm_90")));
        Assert.StartsWith("no live node has a gpu device (devices: fast/amd-epyc-9654 (cpu)", placer.Unplaceable([Fast, Slow], Job(1, require: "gpu")));
        Assert.Equal("no live node runs csharp kernels", placer.Unplaceable([Fast, Slow], Job(1, language: "csharp")));
        Assert.Equal("no compute node is alive and taking jobs (drained nodes take none)", placer.Unplaceable([], Job(1)));
        Assert.Null(placer.Unplaceable([Fast, Slow], Job(1, V3, "cpu")));
        var queued = placer.Place([Fast], [], [Job(1, "nvptx/sm_90")], (_, _) => true, 0).Single();
        Assert.False(queued.Placed);
        Assert.StartsWith("Unplaceable: no live node offers target nvptx/sm_90", queued.Reason);
    }

    [Fact]
    public void A_target_this_build_does_not_know_is_not_placed_on()
    {
        var newer = new ClusterNode("newer", 4, [Cpu("newer", "amd-epyc-9654", "cpu/riscv64/rva23")]);
        var placed = new ClusterPlacer(History()).Place([newer, Slow], [], [Job(1)], (_, _) => true, 0).Single();
        Assert.Equal("slow", placed.Node);
    }
}
