using System.Diagnostics;
using LavaAccel.Devices;

namespace LavaAccel.Scheduling.Simulation;

/// <summary>
/// Plays a job stream on a simulated cluster under one placement policy. Every job arrives at time
/// 0 and is placed online, in stream order, without seeing later jobs; each device runs its jobs one
/// after another. Whatever the policy, a job pays the real costs where it lands: moving its buffers
/// over the node's link, compiling the variant if that node has not compiled it yet, and the true
/// run time — the roofline × a per-kind factor the schedulers do not know × ±5 % seeded noise.
/// </summary>
/// <remarks>
/// The queue-aware policies (greedy EFT and Lava) see the same queue: the runtime's estimate of
/// the work queued on each device (estimated transfer + compile + run of each job placed there),
/// not the true times, which nobody knows before the jobs run.
/// </remarks>
public sealed class Simulator
{
    private readonly SimulatedCluster _cluster;
    private readonly IReadOnlyList<KernelWork> _jobs;
    private readonly int _seed;
    private readonly IRunTimeModel _model;

    /// <summary>A simulator of <paramref name="jobs"/> on <paramref name="cluster"/>; <paramref name="model"/> is the schedulers' run estimate (roofline by default).</summary>
    public Simulator(SimulatedCluster cluster, IReadOnlyList<KernelWork> jobs, int seed = 1, IRunTimeModel? model = null)
    {
        _cluster = cluster;
        _jobs = jobs;
        _seed = seed;
        _model = model ?? new RooflineModel();
    }

    /// <summary>True run time ÷ roofline estimate, per device kind: what real kernels reach, unknown to the schedulers.</summary>
    public static double TrueTimeFactor(string kind) => kind switch
    {
        "cpu" => 1.2,
        "gpu" => 1.6,
        "fpga" => 2.5,
        _ => 2,
    };

    /// <summary>Runs the whole stream under <paramref name="policy"/> from empty queues and caches.</summary>
    public SimulationResult Run(SimulationPolicy policy)
    {
        var nodes = _cluster.CreateNodes();
        var slotNode = new List<int>();
        var slotList = new List<DeviceSlot>();
        var nodeFirst = new int[nodes.Count];
        for (var n = 0; n < nodes.Count; n++)
        {
            nodeFirst[n] = slotList.Count;
            foreach (var slot in nodes[n].Devices)
            {
                slotList.Add(slot);
                slotNode.Add(n);
            }
        }
        var slots = slotList.ToArray();
        var count = slots.Length;
        var profiles = slots.Select(s => s.Profile).Distinct().ToArray();
        var profileIndex = profiles.Select((p, i) => (p, i)).ToDictionary(x => x.p, x => x.i);
        var slotProfile = slots.Select(s => profileIndex[s.Profile]).ToArray();
        var eligible = new bool[profiles.Length];
        var estimate = new double[profiles.Length];
        var trueFree = new double[count];
        var known = new double[count];
        var compiled = nodes.Select(_ => new HashSet<(string, string)>()).ToArray();
        var placer = policy == SimulationPolicy.Lava ? new FastPlacer(nodes, _model) : null;
        var random = new Random(_seed);
        var next = 0;
        var byKind = new Dictionary<string, int>();
        int placed = 0, rejected = 0, compiles = 0;
        double transferSum = 0, compileSum = 0, runSum = 0, completionSum = 0;
        long deciding = 0;

        for (var j = 0; j < _jobs.Count; j++)
        {
            var work = _jobs[j];
            var started = Stopwatch.GetTimestamp();
            var chosen = -1;
            string? target = null;
            if (placer is not null)
            {
                if (placer.TryPlace(work, PlacementConstraints.None, out var placement))
                {
                    chosen = nodeFirst[placement.NodeIndex] + placement.DeviceIndex;
                    target = placement.Target;
                    placer.Commit(placement, work);
                }
            }
            else
            {
                var any = false;
                for (var p = 0; p < profiles.Length; p++)
                {
                    eligible[p] = Eligible(work, profiles[p]);
                    any |= eligible[p];
                    if (eligible[p] && policy == SimulationPolicy.GreedyEft)
                    {
                        estimate[p] = _model.Estimate(work, profiles[p], profiles[p].Targets[0]).Seconds;
                    }
                }
                if (any)
                {
                    chosen = policy switch
                    {
                        SimulationPolicy.RoundRobin => RoundRobin(slotProfile, eligible, ref next),
                        SimulationPolicy.Random => PickRandom(slotProfile, eligible, random),
                        SimulationPolicy.Pull => FirstFree(slotProfile, eligible, trueFree),
                        _ => EarliestFinish(slotProfile, eligible, estimate, known, slots),
                    };
                    target = slots[chosen].Targets[0];
                }
            }
            deciding += Stopwatch.GetTimestamp() - started;
            if (chosen < 0)
            {
                rejected++;
                continue;
            }

            // Execute: the real costs on the chosen device.
            var slot = slots[chosen];
            var node = nodes[slotNode[chosen]];
            var transfer = double.IsPositiveInfinity(node.LinkGbs) ? 0 : work.BufferBytes / (node.LinkGbs * 1e9);
            var compile = 0.0;
            if (compiled[slotNode[chosen]].Add((work.KernelKey, target!)))
            {
                compile = Scheduler.CompileSeconds * (0.8 + 0.4 * Noise(j, chosen, 1));
                compiles++;
            }
            var run = RooflineModel.Seconds(work, slot.Profile) * slot.Slowdown * TrueTimeFactor(slot.Profile.Kind) * (0.95 + 0.1 * Noise(j, chosen, 2));
            trueFree[chosen] += transfer + compile + run;
            completionSum += trueFree[chosen];
            transferSum += transfer;
            compileSum += compile;
            runSum += run;
            placed++;
            byKind[slot.Profile.Kind] = byKind.GetValueOrDefault(slot.Profile.Kind) + 1;
            if (policy == SimulationPolicy.GreedyEft)
            {
                // What the runtime knows of the queue: the estimates of what it placed there.
                known[chosen] += transfer + (compile > 0 ? Scheduler.CompileSeconds : 0)
                    + _model.Estimate(work, slot.Profile, target!).Seconds * slot.Slowdown;
            }
        }
        return new SimulationResult(policy, trueFree.Length > 0 ? trueFree.Max() : 0, placed > 0 ? completionSum / placed : 0, placed, rejected,
            compiles, transferSum, compileSum, runSum, byKind, Stopwatch.GetElapsedTime(0, deciding).TotalSeconds);
    }

    /// <summary>The scheduler's eligibility rules without user constraints: a target, fp64 if needed, enough memory.</summary>
    internal static bool Eligible(KernelWork work, DeviceProfile device) =>
        device.Targets.Count > 0
        && !(work.NeedsFp64 && device.PeakGflops.Fp64 <= 0)
        && !(device.Memory.SizeGib > 0 && work.BufferBytes > device.Memory.SizeGib * (1L << 30));

    // Jobs arrive at t=0 in stream order; the device that is idle first (in true time) pulls the next one it can run.
    private static int FirstFree(int[] slotProfile, bool[] eligible, double[] trueFree)
    {
        var best = -1;
        for (var s = 0; s < slotProfile.Length; s++)
        {
            if (eligible[slotProfile[s]] && (best < 0 || trueFree[s] < trueFree[best]))
            {
                best = s;
            }
        }
        return best;
    }

    private static int RoundRobin(int[] slotProfile, bool[] eligible, ref int next)
    {
        for (var k = 0; k < slotProfile.Length; k++)
        {
            var s = (next + k) % slotProfile.Length;
            if (eligible[slotProfile[s]])
            {
                next = s + 1;
                return s;
            }
        }
        return -1;
    }

    private static int PickRandom(int[] slotProfile, bool[] eligible, Random random)
    {
        // Rejection sampling is uniform over the eligible slots; the scan only guards rare jobs few devices can run.
        for (var tries = 0; tries < 256; tries++)
        {
            var s = random.Next(slotProfile.Length);
            if (eligible[slotProfile[s]])
            {
                return s;
            }
        }
        var candidates = Enumerable.Range(0, slotProfile.Length).Where(s => eligible[slotProfile[s]]).ToArray();
        return candidates[random.Next(candidates.Length)];
    }

    private static int EarliestFinish(int[] slotProfile, bool[] eligible, double[] estimate, double[] known, DeviceSlot[] slots)
    {
        var best = -1;
        var bestFinish = double.PositiveInfinity;
        for (var s = 0; s < slotProfile.Length; s++)
        {
            var p = slotProfile[s];
            if (!eligible[p])
            {
                continue;
            }
            var finish = known[s] + estimate[p] * slots[s].Slowdown;
            if (finish < bestFinish)
            {
                (best, bestFinish) = (s, finish);
            }
        }
        return best;
    }

    // Seeded noise in [0, 1) that depends only on (seed, job, device, stream), not on the order of draws,
    // so that every policy sees the same true time for the same job on the same device.
    private double Noise(int job, int slot, int stream)
    {
        var x = unchecked((ulong)_seed * 0x9E3779B97F4A7C15UL + (ulong)job * 0xBF58476D1CE4E5B9UL + (ulong)slot * 0x94D049BB133111EBUL + (ulong)stream);
        x ^= x >> 30;
        x *= 0xBF58476D1CE4E5B9UL;
        x ^= x >> 27;
        x *= 0x94D049BB133111EBUL;
        x ^= x >> 31;
        return (x >> 11) * (1.0 / (1UL << 53));
    }
}
