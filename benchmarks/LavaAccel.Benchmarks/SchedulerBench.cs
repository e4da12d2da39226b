using System.Diagnostics;
using System.Globalization;
using System.Text;
using LavaAccel.Devices;
using LavaAccel.Scheduling;
using LavaAccel.Scheduling.Simulation;

namespace LavaAccel.Benchmarks;

/// <summary>
/// The scheduler at cluster scale, on a simulated cluster built from the checked-in device
/// profiles: FastPlacer decisions per second and latency on one thread (each decision committed,
/// so queues and caches change), and the makespan and mean completion of a mixed job stream under each policy (Pull: the first free device takes the next job, what nodes did before the controller placed jobs).
/// </summary>
internal static class SchedulerBench
{
    public static string Run(int nodes = 1000, int devicesPerNode = 4, int decisions = 200_000, int jobs = 10_000)
    {
        var inv = CultureInfo.InvariantCulture;
        var profiles = ProfileCatalog.Load();
        var cluster = SimulatedCluster.Build(profiles, nodes, devicesPerNode, seed: 1);
        var report = new StringBuilder();

        // Throughput: one thread, every decision committed.
        var stream = JobStream.Generate(decisions, seed: 2);
        var placer = new FastPlacer(cluster.CreateNodes(), new RooflineModel());
        for (var i = 0; i < 2_000; i++)
        {
            placer.TryPlace(stream[i], PlacementConstraints.None, out _); // warm-up: tiered JIT
        }
        placer = new FastPlacer(cluster.CreateNodes(), new RooflineModel());
        var clock = Stopwatch.StartNew();
        for (var i = 0; i < stream.Count; i++)
        {
            if (placer.TryPlace(stream[i], PlacementConstraints.None, out var placement))
            {
                placer.Commit(placement, stream[i]);
            }
        }
        var seconds = clock.Elapsed.TotalSeconds;

        // Latency: a Stopwatch around each decision (+ commit) of a further sample, on the loaded cluster.
        var sample = JobStream.Generate(20_000, seed: 3);
        var latencies = new double[sample.Count];
        for (var i = 0; i < sample.Count; i++)
        {
            var start = Stopwatch.GetTimestamp();
            if (placer.TryPlace(sample[i], PlacementConstraints.None, out var placement))
            {
                placer.Commit(placement, sample[i]);
            }
            latencies[i] = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
        }
        Array.Sort(latencies);
        double P(double q) => latencies[Math.Min(latencies.Length - 1, (int)(q * latencies.Length))];
        report.Append(inv, $"scheduler: FastPlacer on a simulated {nodes} nodes × {devicesPerNode} devices = {cluster.DeviceCount} devices ({profiles.Count} profiles, {placer.DistinctDevices} distinct), one thread, each decision committed\n\n");
        report.Append("| measure | value |\n|---|---:|\n");
        report.Append(inv, $"| decisions | {stream.Count:N0} |\n| decisions/s | {stream.Count / seconds:N0} |\n");
        report.Append(inv, $"| latency p50 (of {sample.Count:N0}) | {P(0.50) * 1000:0.0} µs |\n| latency p99 | {P(0.99) * 1000:0.0} µs |\n| latency max | {latencies[^1] * 1000:0.0} µs |\n\n");
        Console.Write(report);

        // Quality: the same stream and cluster under each policy.
        var jobStream = JobStream.Generate(jobs, seed: 4);
        var simulator = new Simulator(cluster, jobStream, seed: 5);
        var results = Enum.GetValues<SimulationPolicy>().Select(simulator.Run).ToArray();
        var lava = results.Single(r => r.Policy == SimulationPolicy.Lava);
        var quality = new StringBuilder();
        quality.Append(inv, $"schedule quality: {jobs:N0} mixed jobs (40 kernels, fp32/fp64, 1e4–1e8 work-items, KB–GB buffers) submitted at t=0 on the same cluster; true run time = roofline × per-kind factor × noise\n\n");
        quality.Append("| policy | makespan s | ÷ Lava | mean completion s | ÷ Lava | compiles | transfer s | jobs cpu/gpu/fpga | decide ms |\n|---|---:|---:|---:|---:|---:|---:|---|---:|\n");
        foreach (var r in results)
        {
            quality.Append(inv, $"| {r.Policy} | {r.MakespanSeconds:0.00} | {r.MakespanSeconds / lava.MakespanSeconds:0.00}× | {r.MeanCompletionSeconds:0.000} | {r.MeanCompletionSeconds / lava.MeanCompletionSeconds:0.00}× | {r.Compiles:N0} | {r.TransferSeconds:0.0} | {r.JobsByKind.GetValueOrDefault("cpu")}/{r.JobsByKind.GetValueOrDefault("gpu")}/{r.JobsByKind.GetValueOrDefault("fpga")} | {r.PlacementSeconds * 1000:0} |\n");
        }
        Console.Write(quality);
        return report.ToString() + quality;
    }
}
