using System.Globalization;
using System.Text.Json;
using LavaAccel.Api.V1;
using LavaAccel.Backends;
using LavaAccel.Devices;
using LavaAccel.Service.Placement;

namespace LavaAccel.Service.Slurm;

/// <summary>
/// The Slurm cluster's nodes as lava devices, read from <c>sinfo</c> (at most every few seconds):
/// a node's CPUs as a CPU device whose targets come from its features (ISA tiers <c>x86-64-v2</c>…
/// <c>x86-64-v4</c>, <c>avx2</c>/<c>avx512</c>; <c>aarch64</c>, <c>neoverse-n1</c>/<c>neoverse-v2</c>,
/// <c>a64fx</c>; <c>opencl</c> for a PoCL install), and each GRES <c>gpu:MODEL:N</c> or
/// <c>fpga:FAMILY:N</c> as N devices with the checked-in profile whose id names the model. So
/// <c>lava devices</c> and the scheduler see the Slurm cluster.
/// </summary>
public sealed class SlurmInventory(SlurmClient slurm)
{
    private static readonly TimeSpan Fresh = TimeSpan.FromSeconds(5);
    private readonly Lock _reading = new();
    private static readonly string[] ArmModels = ["neoverse-n1", "neoverse-v2", "a64fx"];
    private (DateTime At, IReadOnlyList<SlurmNode> Slurm, IReadOnlyList<ClusterNode> Nodes, string Error) _last = (DateTime.MinValue, [], [], "");

    /// <summary>The usable nodes, as placement sees them (cached for a few seconds; empty while Slurm cannot be reached).</summary>
    public IReadOnlyList<ClusterNode> Nodes() => Read().Nodes;

    /// <summary>The usable nodes as Slurm reports them (the same read as <see cref="Nodes"/>).</summary>
    public IReadOnlyList<SlurmNode> SlurmNodes() => Read().Slurm;

    private (DateTime At, IReadOnlyList<SlurmNode> Slurm, IReadOnlyList<ClusterNode> Nodes, string Error) Read()
    {
        lock (_reading)
        {
            if (DateTime.UtcNow - _last.At > Fresh)
            {
                try
                {
                    var usable = slurm.Nodes().Where(n => n.Usable).ToList();
                    _last = (DateTime.UtcNow, usable, [.. usable.Select(Node)], "");
                }
                catch (LavaException e)
                {
                    _last = (DateTime.UtcNow, [], [], e.Message);
                }
            }
            return _last;
        }
    }

    /// <summary>Why the last read failed ("" when it did not).</summary>
    public string LastError => _last.Error;

    /// <summary>A Slurm node as lava devices.</summary>
    public static ClusterNode Node(SlurmNode node)
    {
        var devices = new List<Device> { Cpu(node) };
        foreach (var (kind, model, count) in Gres(node.Gres))
        {
            var profile = Profiles.Value.FirstOrDefault(p => p.Kind == kind && p.Id.Contains(model, StringComparison.OrdinalIgnoreCase));
            for (var i = 0; i < count; i++)
            {
                devices.Add(Make(node.Name, $"{kind}-{model}{(count > 1 ? "-" + i : "")}", profile ?? Unknown(kind, model), profile?.Targets ?? []));
            }
        }
        return new ClusterNode(node.Name, node.Cpus, devices);
    }

    /// <summary>The generic resources of a node's GRES string (<c>gpu:h100:2(S:0),fpga:u280:1</c>): kind, model, count.</summary>
    public static IEnumerable<(string Kind, string Model, int Count)> Gres(string gres)
    {
        foreach (var item in gres.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var parts = item.Split('(')[0].Split(':');
            if (parts.Length < 2 || parts[0] is not ("gpu" or "fpga"))
            {
                continue;
            }
            var model = parts.Length >= 3 ? parts[1] : "";
            _ = int.TryParse(parts[^1], NumberStyles.Integer, CultureInfo.InvariantCulture, out var count);
            yield return (parts[0], model, Math.Max(1, count));
        }
    }

    /// <summary>The CPU targets a node's features promise (the lowest x86-64 tier when it names none).</summary>
    public static IReadOnlyList<string> CpuTargets(IReadOnlyList<string> features)
    {
        var has = new HashSet<string>(features, StringComparer.OrdinalIgnoreCase);
        var targets = new List<string>();
        var arm = has.Contains("aarch64") || has.Contains("arm64") || has.Contains("sve") || has.Contains("neoverse-n1") || has.Contains("neoverse-v2") || has.Contains("a64fx");
        if (arm)
        {
            targets.Add("cpu/aarch64/generic");
            targets.AddRange(ArmModels.Where(has.Contains).Select(m => "cpu/aarch64/" + m));
        }
        else
        {
            var tier = has.Contains("x86-64-v4") || has.Contains("avx512") ? 4 : has.Contains("x86-64-v3") || has.Contains("avx2") ? 3 : 2;
            targets.AddRange(Enumerable.Range(2, tier - 1).Select(v => $"cpu/x86_64/x86-64-v{v}"));
            if (has.Contains("opencl"))
            {
                targets.Add("opencl/spir");
            }
            targets.Add("ilgpu/cpu");
        }
        return targets;
    }

    private static readonly Lazy<IReadOnlyList<DeviceProfile>> Profiles = new(() =>
    {
        try
        {
            return ProfileCatalog.Load();
        }
        catch (LavaException)
        {
            return [];
        }
    });

    // The node's CPUs: this controller's own CPU profile scaled to the node's core count and memory
    // (Slurm does not say which CPU a node has), with the targets its features promise.
    private static Device Cpu(SlurmNode node)
    {
        var local = LocalDevices.Discover(LavaAccel.Host.LavaHome.Path).FirstOrDefault(d => d.Kind == "cpu");
        var perCore = local is { ComputeUnits: > 0 } ? 1.0 / local.ComputeUnits.Value : 0;
        var profile = new DeviceProfile
        {
            Id = "slurm-cpu",
            Kind = "cpu",
            Vendor = local?.Vendor ?? "unknown",
            Model = $"Slurm node {node.Name}: {node.Cpus} CPUs",
            ComputeUnits = node.Cpus,
            PeakGflops = local is null ? new DevicePeaks { Fp32 = 50.0 * node.Cpus, Fp64 = 25.0 * node.Cpus }
                : new DevicePeaks { Fp32 = local.PeakGflops.Fp32 * perCore * node.Cpus, Fp64 = local.PeakGflops.Fp64 * perCore * node.Cpus },
            Memory = new DeviceMemory { SizeGib = node.MemoryMb / 1024.0, BandwidthGbs = local?.Memory.BandwidthGbs ?? 20 },
            Isa = new DeviceIsa { Features = node.Features },
        };
        return Make(node.Name, "cpu", profile, CpuTargets(node.Features));
    }

    private static DeviceProfile Unknown(string kind, string model) => new() { Id = $"slurm-{kind}-{model}", Kind = kind, Vendor = "unknown", Model = model };

    private static Device Make(string node, string name, DeviceProfile profile, IEnumerable<string> targets)
    {
        var device = new Device
        {
            Id = $"{node}/{name}",
            Node = node,
            Kind = profile.Kind,
            Model = profile.Model,
            ProfileJson = JsonSerializer.Serialize(profile, DeviceJsonContext.Default.DeviceProfile),
        };
        // Only targets this build compiles.
        device.Targets.AddRange(targets.Where(Known));
        return device;
    }

    private static bool Known(string target)
    {
        try
        {
            BackendRegistry.For(TargetId.Parse(target));
            return true;
        }
        catch (LavaException)
        {
            return false;
        }
    }
}
