using LavaAccel.Devices;
using LavaAccel.Scheduling;

namespace LavaAccel.Tests;

/// <summary>The scheduler's filter, score and explanation on hand-built nodes, and the performance history.</summary>
public sealed class SchedulerTests
{
    internal static DeviceProfile Profile(string id, string kind, double fp32, double fp64, double memGib, double bandwidth, params string[] targets) =>
        new() { Id = id, Kind = kind, Vendor = "test", Model = id, PeakGflops = new DevicePeaks { Fp32 = fp32, Fp64 = fp64 }, Memory = new DeviceMemory { SizeGib = memGib, BandwidthGbs = bandwidth }, Targets = targets };

    private static readonly DeviceProfile Cpu = Profile("cpu-a", "cpu", 2000, 1000, 256, 200, "cpu/x86_64/x86-64-v3");
    private static readonly DeviceProfile Gpu = Profile("gpu-a", "gpu", 20000, 10000, 16, 1000, "nvptx/sm_80");
    private static readonly DeviceProfile Fpga = Profile("fpga-a", "fpga", 1000, 0, 8, 400, "fpga/vitis/x");

    private static KernelWork Work(string key = "k", long bytes = 1 << 20, bool fp64 = false) =>
        new(key, 100, 8, 1_000_000, bytes, fp64 ? ["fp64"] : []);

    private static ComputeNode Node(string name, double link, params DeviceProfile[] devices) =>
        new(name, [.. devices.Select(d => new DeviceSlot(d, d.Targets))], link);

    [Fact]
    public void Memory_filter_rejects_a_device_too_small_for_the_buffers()
    {
        var decision = new Scheduler(new RooflineModel()).Place(Work(bytes: 20L << 30), [Node("n", double.PositiveInfinity, Gpu, Cpu)], PlacementConstraints.None);
        Assert.Equal("cpu-a", decision.Chosen.Device);
        Assert.Contains(decision.Candidates, c => c.Device == "gpu-a" && c.Rejection!.Contains("exceed its memory"));
    }

    [Fact]
    public void Fp64_filter_rejects_a_device_without_fp64()
    {
        var decision = new Scheduler(new RooflineModel()).Place(Work(fp64: true), [Node("n", double.PositiveInfinity, Fpga, Cpu)], PlacementConstraints.None);
        Assert.Equal("cpu-a", decision.Chosen.Device);
        Assert.Contains(decision.Candidates, c => c.Device == "fpga-a" && c.Rejection!.Contains("fp64"));
    }

    [Fact]
    public void Kind_constraint_keeps_only_that_kind()
    {
        var decision = new Scheduler(new RooflineModel()).Place(Work(), [Node("n", double.PositiveInfinity, Gpu, Cpu)], new PlacementConstraints(RequireKind: "cpu"));
        Assert.Equal("cpu-a", decision.Chosen.Device);
        Assert.Contains(decision.Candidates, c => c.Device == "gpu-a" && c.Rejection == "a gpu, not a cpu");
    }

    [Fact]
    public void A_node_that_has_the_variant_wins_when_otherwise_equal()
    {
        var a = Node("a", 10, Gpu);
        var b = Node("b", 10, Gpu);
        b.Devices[0].Cached.Add(("k", Gpu.Targets[0]));
        var decision = new Scheduler(new RooflineModel()).Place(Work(), [a, b], PlacementConstraints.None);
        Assert.Equal("b", decision.Chosen.Node);
        Assert.Equal(0, decision.Chosen.CompileSeconds);
        Assert.Equal(Scheduler.CompileSeconds, decision.Candidates.Single(c => c.Node == "a").CompileSeconds);
    }

    [Fact]
    public void A_faster_link_wins_when_the_data_is_large()
    {
        var decision = new Scheduler(new RooflineModel()).Place(Work(bytes: 4L << 30), [Node("slow", 1, Gpu), Node("fast", 25, Gpu)], PlacementConstraints.None);
        Assert.Equal("fast", decision.Chosen.Node);
        var slow = decision.Candidates.Single(c => c.Node == "slow");
        Assert.Equal((4L << 30) / 1e9, slow.TransferSeconds, 9);
        Assert.True(slow.TotalSeconds > decision.Chosen.TotalSeconds);
    }

    [Fact]
    public void Explanation_lists_every_candidate_with_its_parts()
    {
        var node = Node("n", 5, Cpu, Gpu, Fpga);
        node.Devices[0].QueueSeconds = 0.5;
        var decision = new Scheduler(new RooflineModel()).Place(Work(fp64: true), [node], PlacementConstraints.None);
        Assert.Equal(3, decision.Candidates.Count);
        Assert.Equal(["cpu-a", "fpga-a", "gpu-a"], decision.Candidates.Select(c => c.Device).Order().ToArray());
        foreach (var c in decision.Candidates.Where(c => c.Eligible))
        {
            Assert.True(c.TransferSeconds > 0 && c.CompileSeconds > 0 && c.RunSeconds > 0);
            Assert.Equal("roofline", c.RunBasis);
            Assert.Equal(c.QueueSeconds + c.TransferSeconds + c.CompileSeconds + c.RunSeconds, c.TotalSeconds);
        }
        Assert.Equal(0.5, decision.Candidates.Single(c => c.Device == "cpu-a").QueueSeconds);
        Assert.False(decision.Candidates[^1].Eligible); // rejected last
    }

    [Fact]
    public void History_needs_three_samples()
    {
        var history = new PerformanceHistory();
        var work = Work();
        for (var i = 0; i < PerformanceHistory.MinimumSamples - 1; i++)
        {
            history.Record("k", "t", Gpu.Id, work.WorkItems, 1.0);
        }
        Assert.StartsWith("roofline", history.Estimate(work, Gpu, "t").Basis);
        Assert.Equal(RooflineModel.Seconds(work, Gpu), history.Estimate(work, Gpu, "t").Seconds);
        history.Record("k", "t", Gpu.Id, work.WorkItems, 1.0);
        Assert.Equal((1.0, "history: median of 3 runs of this size"), history.Estimate(work, Gpu, "t"));
        Assert.StartsWith("roofline", history.Estimate(work, Cpu, "t").Basis); // another device never answers
    }

    [Fact]
    public void Robust_median_ignores_a_spike()
    {
        Assert.Equal(1.0, PerformanceHistory.RobustMedian([1.0, 1.01, 0.99, 1.0, 50.0]), 9);
        var history = new PerformanceHistory();
        foreach (var seconds in new[] { 2.0, 2.02, 1.98, 2.0, 400.0 })
        {
            history.Record("k", "t", Cpu.Id, 1000, seconds);
        }
        Assert.Equal(2.0, history.Estimate(new KernelWork("k", 1, 1, 1000, 1, []), Cpu, "t").Seconds, 9);
    }

    [Fact]
    public void History_scales_only_from_runs_of_a_similar_size()
    {
        var history = new PerformanceHistory();
        for (var i = 0; i < PerformanceHistory.MinimumSamples; i++)
        {
            history.Record("k", "t", Cpu.Id, 4096, 0.02); // small runs: mostly fixed costs
        }
        Assert.Equal(0.04, history.Estimate(new KernelWork("k", 1, 1, 8192, 1, []), Cpu, "t").Seconds, 9);
        var far = history.Estimate(new KernelWork("k", 1, 1, 1 << 20, 1, []), Cpu, "t");
        Assert.StartsWith("roofline (history only at sizes", far.Basis);
        Assert.True(far.Seconds < 0.02 * 256, $"{far.Seconds} s: a small run's time scaled 256×");
    }

    [Fact]
    public void History_survives_a_round_trip_through_its_file()
    {
        var dir = Directory.CreateTempSubdirectory("lava-history-");
        try
        {
            var path = PerformanceHistory.PathIn(dir.FullName);
            var work = Work();
            var first = new PerformanceHistory(path);
            foreach (var seconds in new[] { 0.125, 0.13, 0.12, 0.5 })
            {
                first.Record("k", "t", Gpu.Id, work.WorkItems, seconds);
            }
            var second = new PerformanceHistory(path);
            Assert.Equal(4, second.Count("k", "t", Gpu.Id));
            Assert.Equal(first.Estimate(work, Gpu, "t"), second.Estimate(work, Gpu, "t"));
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    [Fact]
    public void FastPlacer_chooses_what_the_scheduler_chooses_on_random_clusters()
    {
        var random = new Random(7);
        var profiles = new[]
        {
            Cpu, Gpu, Fpga,
            Profile("cpu-b", "cpu", 3000, 1500, 64, 300, "cpu/x86_64/x86-64-v4", "cpu/x86_64/x86-64-v3"),
            Profile("gpu-b", "gpu", 40000, 0, 80, 2000, "nvptx/sm_90", "nvptx/sm_80"),
            Profile("odd", "cpu", 100, 50, 0, 0),
        };
        string[] keys = ["a", "b", "c"];
        for (var trial = 0; trial < 300; trial++)
        {
            var nodes = Enumerable.Range(0, random.Next(1, 6)).Select(n => new ComputeNode($"n{n}",
                [.. Enumerable.Range(0, random.Next(1, 4)).Select(_ =>
                {
                    var p = profiles[random.Next(profiles.Length)];
                    var slot = new DeviceSlot(p, p.Targets, random.Next(4) == 0 ? 3 : 1) { QueueSeconds = random.Next(3) * 0.1 };
                    foreach (var t in p.Targets.Where(_ => random.Next(3) == 0))
                    {
                        slot.Cached.Add((keys[random.Next(keys.Length)], t));
                    }
                    return slot;
                })], random.Next(3) == 0 ? double.PositiveInfinity : random.Next(1, 26))).ToArray();
            var placer = new FastPlacer(nodes, new RooflineModel());
            var scheduler = new Scheduler(new RooflineModel());
            for (var job = 0; job < 5; job++)
            {
                var work = new KernelWork(keys[random.Next(keys.Length)], random.Next(1, 2000), random.Next(4, 64), (long)Math.Pow(10, random.Next(3, 8)),
                    (long)Math.Pow(10, random.Next(3, 11)) * random.Next(1, 9), random.Next(3) == 0 ? ["fp64"] : []);
                var constraints = random.Next(4) switch
                {
                    0 => new PlacementConstraints(RequireKind: "gpu"),
                    1 => new PlacementConstraints(Target: "cpu/x86_64/x86-64-v3"),
                    _ => PlacementConstraints.None,
                };
                PlacementDecision? expected = null;
                try
                {
                    expected = scheduler.Place(work, nodes, constraints);
                }
                catch (LavaException)
                {
                }
                Assert.Equal(expected is not null, placer.TryPlace(work, constraints, out var placement));
                if (expected is null)
                {
                    continue;
                }
                Assert.Equal(expected.Chosen.Node, nodes[placement.NodeIndex].Name);
                Assert.Equal(expected.Chosen.Device, nodes[placement.NodeIndex].Devices[placement.DeviceIndex].Profile.Id);
                Assert.Equal(expected.Chosen.Target, placement.Target);
                Assert.Equal(expected.Chosen.TotalSeconds, placement.CompletionSeconds);
                // Commit through the placer so that both see the same queues and caches on the next job.
                placer.Commit(placement, work);
            }
        }
    }
}
