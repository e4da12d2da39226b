using LavaAccel.Devices;
using LavaAccel.Scheduling;
using LavaAccel.Scheduling.Simulation;

namespace LavaAccel.Tests;

/// <summary>The simulation harness on the checked-in profiles: schedule quality against the baselines, rejections, contradictions.</summary>
public sealed class SimulationTests
{
    private static readonly Lazy<IReadOnlyList<DeviceProfile>> Profiles = new(() => ProfileCatalog.Load());

    [Fact]
    public void Lava_makespan_is_below_every_baseline()
    {
        var cluster = SimulatedCluster.Build(Profiles.Value, nodes: 100, devicesPerNode: 4, seed: 11);
        var jobs = JobStream.Generate(2_000, seed: 12);
        var simulator = new Simulator(cluster, jobs, seed: 13);
        var lava = simulator.Run(SimulationPolicy.Lava);
        Assert.Equal(jobs.Count, lava.Placed);
        foreach (var policy in new[] { SimulationPolicy.RoundRobin, SimulationPolicy.Random, SimulationPolicy.GreedyEft })
        {
            var baseline = simulator.Run(policy);
            Assert.Equal(jobs.Count, baseline.Placed);
            Assert.True(lava.MakespanSeconds < baseline.MakespanSeconds, $"{policy}: {baseline.MakespanSeconds:0.000} s vs Lava {lava.MakespanSeconds:0.000} s");
        }
    }

    [Fact]
    public void Simulation_is_deterministic_for_a_seed()
    {
        var cluster = SimulatedCluster.Build(Profiles.Value, nodes: 20, devicesPerNode: 4, seed: 3);
        var jobs = JobStream.Generate(300, seed: 4);
        foreach (var policy in Enum.GetValues<SimulationPolicy>())
        {
            Assert.Equal(new Simulator(cluster, jobs, seed: 5).Run(policy).MakespanSeconds, new Simulator(cluster, jobs, seed: 5).Run(policy).MakespanSeconds);
        }
    }

    [Fact]
    public void Job_stream_mixes_kernels_precision_and_sizes()
    {
        var jobs = JobStream.Generate(10_000, seed: 1);
        Assert.InRange(jobs.Select(j => j.KernelKey).Distinct().Count(), 20, 60);
        Assert.Contains(jobs, j => j.NeedsFp64);
        Assert.Contains(jobs, j => !j.NeedsFp64);
        Assert.Contains(jobs, j => j.BufferBytes < 1_000_000);
        Assert.Contains(jobs, j => j.BufferBytes > 1_000_000_000);
        Assert.All(jobs, j => Assert.InRange(j.WorkItems, 10_000, 100_000_000));
    }

    [Fact]
    public void Fp64_job_on_fpgas_only_is_rejected_with_a_reason_per_device()
    {
        var fpgas = Profiles.Value.Where(p => p.Kind == "fpga").ToArray();
        var cluster = SimulatedCluster.FromNodes([(fpgas, 10.0), (fpgas, 5.0)]);
        var nodes = cluster.CreateNodes();
        var work = new KernelWork("k", 10, 8, 1000, 1 << 20, ["fp64"]);
        var error = Assert.Throws<LavaException>(() => new Scheduler(new RooflineModel()).Place(work, nodes, PlacementConstraints.None));
        foreach (var node in nodes)
        {
            foreach (var slot in node.Devices)
            {
                Assert.Contains($"{node.Name}/{slot.Profile.Id}: the kernel needs fp64", error.Message);
            }
        }
        var placer = new FastPlacer(nodes, new RooflineModel());
        Assert.False(placer.TryPlace(work, PlacementConstraints.None, out _));
        Assert.Contains("needs fp64", Assert.Throws<LavaException>(() => placer.Place(work, PlacementConstraints.None)).Message);
        var result = new Simulator(cluster, [work]).Run(SimulationPolicy.RoundRobin);
        Assert.Equal((0, 1), (result.Placed, result.Rejected));
    }

    [Fact]
    public void Buffers_larger_than_every_memory_are_rejected_for_every_device()
    {
        var cluster = SimulatedCluster.Build(Profiles.Value, nodes: 3, devicesPerNode: 4, seed: 1);
        var nodes = cluster.CreateNodes();
        var largest = Profiles.Value.Max(p => p.Memory.SizeGib);
        var work = new KernelWork("k", 10, 8, 1000, (long)(largest * (1L << 30)) + 1, []);
        var error = Assert.Throws<LavaException>(() => new Scheduler(new RooflineModel()).Place(work, nodes, PlacementConstraints.None));
        Assert.Equal(12, nodes.Sum(n => n.Devices.Count(d => error.Message.Contains($"{n.Name}/{d.Profile.Id}: the job's buffers", StringComparison.Ordinal))));
        foreach (var policy in Enum.GetValues<SimulationPolicy>())
        {
            Assert.Equal(1, new Simulator(cluster, [work]).Run(policy).Rejected);
        }
    }

    [Fact]
    public void Contradictory_constraints_throw()
    {
        var nodes = SimulatedCluster.Build(Profiles.Value, nodes: 2, devicesPerNode: 4, seed: 1).CreateNodes();
        var constraints = new PlacementConstraints(RequireKind: "gpu", Target: "cpu/x86_64/x86-64-v3", TargetDeviceKind: "cpu"); // the caller resolves the target's kind from its backend
        var work = new KernelWork("k", 10, 8, 1000, 1024, []);
        Assert.Contains("contradictory", Assert.Throws<LavaException>(() => new Scheduler(new RooflineModel()).Place(work, nodes, constraints)).Message);
        Assert.Contains("contradictory", Assert.Throws<LavaException>(() => new FastPlacer(nodes, new RooflineModel()).TryPlace(work, constraints, out _)).Message);
    }
}
