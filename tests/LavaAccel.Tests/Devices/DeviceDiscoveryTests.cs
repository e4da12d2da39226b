using System.Runtime.InteropServices;
using LavaAccel.Devices;
using LavaAccel.Devices.Discovery;

namespace LavaAccel.Tests;

/// <summary>Discovery of this machine's devices, and loading the checked-in profiles as lava does.</summary>
public sealed class DeviceDiscoveryTests : IDisposable
{
    private readonly DirectoryInfo _home = Directory.CreateTempSubdirectory("lava-devices-");

    [Fact]
    public void The_local_cpu_is_discovered_with_the_targets_it_runs()
    {
        var cpu = LocalDevices.Discover(_home.FullName).Single(d => d.Kind == "cpu" && d.Id == "local-cpu");
        Assert.Equal(Environment.ProcessorCount, cpu.ComputeUnits);
        Assert.True(cpu.Memory.SizeGib > 0.1, $"memory {cpu.Memory.SizeGib} GiB");
        Assert.True(cpu.Memory.BandwidthGbs > 0.5, $"bandwidth {cpu.Memory.BandwidthGbs} GB/s");
        Assert.NotEmpty(cpu.Targets);
        Assert.All(cpu.Targets, t => Assert.Null(Backends.BackendRegistry.For(TargetId.Parse(t)).WhyNotRunnable(TargetId.Parse(t))));
        if (RuntimeInformation.OSArchitecture == Architecture.X64)
        {
            Assert.Equal("x86_64", cpu.Isa.Arch);
            Assert.StartsWith("x86-64", cpu.Isa.Level, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void The_bandwidth_probe_is_cached_for_the_boot()
    {
        var first = BandwidthProbe.GigabytesPerSecond(_home.FullName);
        var cache = Path.Combine(_home.FullName, "devices", "bandwidth.txt");
        Assert.True(File.Exists(cache));
        // A doctored cache entry for this boot is returned as is: the probe did not run again.
        var bootId = File.ReadAllText(cache).Split(' ')[0];
        File.WriteAllText(cache, $"{bootId} 12345.5");
        Assert.Equal(12345.5, BandwidthProbe.GigabytesPerSecond(_home.FullName));
        Assert.True(first > 0);
    }

    [Fact]
    public void PoCL_is_discovered_through_OpenCL()
    {
        // tools/bootstrap.sh installs pocl-opencl-icd, so the CPU OpenCL device is always there.
        var devices = OpenClDiscovery.Discover();
        var pocl = Assert.Single(devices, d => d.Toolchains.Any(t => t.Contains("Portable Computing Language", StringComparison.OrdinalIgnoreCase) || t.Contains("pocl", StringComparison.OrdinalIgnoreCase)));
        Assert.Equal("cpu", pocl.Kind);
        Assert.Contains("spir", pocl.Ingests);
        Assert.True(pocl.ComputeUnits >= 1);
    }

    [Fact]
    public void Without_a_CUDA_driver_no_GPU_is_reported_and_nothing_fails()
    {
        var devices = CudaDiscovery.Discover();
        if (!NativeLibrary.TryLoad("libcuda.so.1", out var handle))
        {
            Assert.Empty(devices);
        }
        else
        {
            NativeLibrary.Free(handle);
            Assert.All(devices, d => Assert.StartsWith("sm_", d.Isa.Arch, StringComparison.Ordinal));
        }
    }

    [Fact]
    public void Checked_in_profiles_load_and_cover_every_kind()
    {
        var profiles = ProfileCatalog.Load();
        Assert.True(profiles.Count >= 12);
        Assert.Equal(["cpu", "fpga", "gpu"], profiles.Select(p => p.Kind).Distinct().Order(StringComparer.Ordinal));
        var h100 = Assert.Single(profiles, p => p.Id == "nvidia-h100-sxm5");
        Assert.Equal("sm_90", h100.Isa.Arch);
        Assert.True(h100.Memory.BandwidthGbs > 3000);
    }

    [Fact]
    public void A_profile_that_breaks_the_schema_is_refused_naming_file_and_field()
    {
        var directory = Directory.CreateDirectory(Path.Combine(_home.FullName, "profiles"));
        var good = File.ReadAllText(Path.Combine(ProfileCatalog.DefaultDirectory, "amd-epyc-9654.json"));
        File.WriteAllText(Path.Combine(directory.FullName, "amd-epyc-9654.json"), good.Replace("\"fp64\": 3686.4", "\"fp64\": -1", StringComparison.Ordinal));
        var error = Assert.Throws<LavaException>(() => ProfileCatalog.Load(directory.FullName));
        Assert.Contains("amd-epyc-9654.json", error.Message);
        Assert.Contains("fp64", error.Message);
    }

    [Fact]
    public void A_profile_whose_id_differs_from_its_file_name_is_refused()
    {
        var directory = Directory.CreateDirectory(Path.Combine(_home.FullName, "renamed"));
        File.Copy(Path.Combine(ProfileCatalog.DefaultDirectory, "fujitsu-a64fx.json"), Path.Combine(directory.FullName, "a64fx-copy.json"));
        var error = Assert.Throws<LavaException>(() => ProfileCatalog.Load(directory.FullName));
        Assert.Contains("a64fx-copy.json", error.Message);
        Assert.Contains("/id", error.Message);
    }

    [Fact]
    public void Lava_devices_json_lists_the_local_cpu_and_every_profile()
    {
        var result = LavaCli.Run(_home.FullName, "devices", "--json");
        Assert.True(result.ExitCode == 0, result.ToString());
        using var json = System.Text.Json.JsonDocument.Parse(result.Stdout);
        var local = json.RootElement.GetProperty("local").EnumerateArray().ToArray();
        Assert.Contains(local, d => d.GetProperty("id").GetString() == "local-cpu" && d.GetProperty("kind").GetString() == "cpu");
        Assert.Equal(ProfileCatalog.Load().Count, json.RootElement.GetProperty("profiles").GetArrayLength());
    }

    public void Dispose() => _home.Delete(recursive: true);
}
