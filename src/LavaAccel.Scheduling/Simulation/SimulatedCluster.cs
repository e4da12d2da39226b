using LavaAccel.Devices;

namespace LavaAccel.Scheduling.Simulation;

/// <summary>
/// A simulated cluster built from the checked-in device profiles: each node has a host CPU and
/// further devices drawn from all profiles, and its own link bandwidth. The devices' targets are
/// the profiles' own target lists ("simulated targets"): nothing is compiled or run for real, so
/// GPU and FPGA targets need no backend.
/// </summary>
public sealed class SimulatedCluster
{
    private readonly DeviceProfile[][] _devices;
    private readonly double[] _linkGbs;

    private SimulatedCluster(DeviceProfile[][] devices, double[] linkGbs)
    {
        _devices = devices;
        _linkGbs = linkGbs;
    }

    /// <summary>Lowest link bandwidth drawn, GB/s.</summary>
    public const double MinLinkGbs = 1;

    /// <summary>Highest link bandwidth drawn, GB/s.</summary>
    public const double MaxLinkGbs = 25;

    /// <summary>Number of nodes.</summary>
    public int NodeCount => _devices.Length;

    /// <summary>Number of devices over all nodes.</summary>
    public int DeviceCount => _devices.Sum(d => d.Length);

    /// <summary>
    /// Draws <paramref name="nodes"/> nodes of <paramref name="devicesPerNode"/> devices: the first a
    /// CPU (every node has a host), the rest uniform over all profiles; links log-uniform in
    /// [<see cref="MinLinkGbs"/>, <see cref="MaxLinkGbs"/>] GB/s, so that where the data goes matters.
    /// </summary>
    public static SimulatedCluster Build(IReadOnlyList<DeviceProfile> profiles, int nodes = 1000, int devicesPerNode = 4, int seed = 1)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(nodes, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(devicesPerNode, 1);
        if (profiles.Count == 0)
        {
            throw new LavaException("a simulated cluster needs at least one device profile");
        }
        var random = new Random(seed);
        var cpus = profiles.Where(p => p.Kind == "cpu").ToArray();
        var devices = new DeviceProfile[nodes][];
        var links = new double[nodes];
        for (var n = 0; n < nodes; n++)
        {
            devices[n] = new DeviceProfile[devicesPerNode];
            for (var d = 0; d < devicesPerNode; d++)
            {
                devices[n][d] = d == 0 && cpus.Length > 0 ? cpus[random.Next(cpus.Length)] : profiles[random.Next(profiles.Count)];
            }
            links[n] = MinLinkGbs * Math.Pow(MaxLinkGbs / MinLinkGbs, random.NextDouble());
        }
        return new SimulatedCluster(devices, links);
    }

    /// <summary>A cluster of exactly these nodes (device profiles and link GB/s), for tests.</summary>
    public static SimulatedCluster FromNodes(IReadOnlyList<(IReadOnlyList<DeviceProfile> Devices, double LinkGbs)> nodes) =>
        new([.. nodes.Select(n => n.Devices.ToArray())], [.. nodes.Select(n => n.LinkGbs)]);

    /// <summary>Fresh nodes: empty queues and caches, so that every policy starts from the same state.</summary>
    public IReadOnlyList<ComputeNode> CreateNodes()
    {
        var nodes = new ComputeNode[_devices.Length];
        for (var n = 0; n < nodes.Length; n++)
        {
            nodes[n] = new ComputeNode($"node{n:0000}", [.. _devices[n].Select(p => new DeviceSlot(p, p.Targets))], _linkGbs[n]);
        }
        return nodes;
    }
}
