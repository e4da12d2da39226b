using System.Text.Json;
using LavaAccel.Api.V1;
using LavaAccel.Service.Compute;

namespace LavaAccel.Tests.Service;

/// <summary>
/// One answer to "which targets does this device run": <c>lava targets</c> (runnable here),
/// <c>lava devices</c>, the service's device view and what a remote node registers name the same
/// targets for the same devices.
/// </summary>
public sealed class TargetAgreementTests(ServiceFixture service) : IClassFixture<ServiceFixture>, IDisposable
{
    private readonly TempLavaHome _home = new();

    public void Dispose() => _home.Dispose();

    [Fact]
    public async Task Targets_devices_the_service_and_a_remote_node_agree()
    {
        using var targets = JsonDocument.Parse(LavaCli.Run(_home.Path, "targets", "--json").Stdout);
        var runnable = targets.RootElement.EnumerateArray().Where(t => t.GetProperty("runnable").GetBoolean()).Select(t => t.GetProperty("target").GetString()!).ToHashSet();

        using var devices = JsonDocument.Parse(LavaCli.Run(_home.Path, "devices", "--json").Stdout);
        var local = devices.RootElement.GetProperty("local").EnumerateArray()
            .ToDictionary(d => d.GetProperty("id").GetString()!, d => d.GetProperty("targets").EnumerateArray().Select(t => t.GetString()!).ToHashSet());
        Assert.Equal(runnable.Order(), local.Values.SelectMany(t => t).Distinct().Order());

        using var admin = service.Anonymous(service.AdminToken);
        var listed = await admin.Devices.ListDevicesAsync(new ListDevicesRequest(), admin.Call());
        var served = listed.Devices.ToDictionary(d => d.Id[(d.Id.IndexOf('/', StringComparison.Ordinal) + 1)..], d => d.Targets.ToHashSet());
        Assert.Equal(local.Keys.Order(), served.Keys.Order());
        foreach (var (id, set) in local)
        {
            Assert.Equal(set.Order(), served[id].Order());
        }

        // A remote node registers what its devices run: opencl/spir where PoCL is present, the AArch64 models under qemu.
        var registered = DeviceCatalog.Discover("remote");
        Assert.Equal(runnable.Order(), registered.SelectMany(d => d.Targets).Distinct().Order());
        if (RunnableTargets.OpenCl.Count > 0)
        {
            Assert.Contains(registered, d => d.Targets.Contains("opencl/spir"));
        }
    }
}
