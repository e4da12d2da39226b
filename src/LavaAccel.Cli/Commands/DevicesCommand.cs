using LavaAccel.Host;
using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using LavaAccel.Cache;
using LavaAccel.Devices;
using Spectre.Console;

namespace LavaAccel.Cli.Commands;

/// <summary>
/// <c>lava devices</c>: this machine's devices (discovered) and the checked-in profiles of real
/// hardware; with <c>--server</c> (or LAVA_SERVER), every device of the service's live nodes.
/// </summary>
internal static class DevicesCommand
{
    public static Command Create()
    {
        var localOnly = new Option<bool>("--local") { Description = "Only this machine's devices" };
        var profilesOnly = new Option<bool>("--profiles") { Description = "Only the checked-in profiles (device-profiles/)" };
        var command = new Command("devices", "Devices of this machine (CPU, OpenCL, CUDA; discovered) and the checked-in profiles of real hardware") { localOnly, profilesOnly };
        command.SetAction(result =>
        {
            if (LavaAccel.Cli.Service.ServiceConnection.Requested(result))
            {
                return Remote(result);
            }
            var local = result.GetValue(profilesOnly) ? [] : LocalDevices.Discover(LavaHome.Path);
            var profiles = result.GetValue(localOnly) ? [] : ProfileCatalog.Load();
            if (result.GetValue(CliOutput.JsonOption))
            {
                CliOutput.Json(new JsonObject
                {
                    ["local"] = JsonSerializer.SerializeToNode(local.ToList(), DeviceJsonContext.Default.ListDeviceProfile),
                    ["profiles"] = JsonSerializer.SerializeToNode(profiles.ToList(), DeviceJsonContext.Default.ListDeviceProfile),
                });
                return 0;
            }
            if (local.Count > 0)
            {
                Console.WriteLine("This machine:");
                var table = new Table().Border(TableBorder.Simple).AddColumns("id", "kind", "model", "units", "clock", "memory", "bandwidth", "runs targets");
                foreach (var d in local)
                {
                    table.AddRow(d.Id, d.Kind, Markup.Escape(d.Model), Units(d), Clock(d), $"{d.Memory.SizeGib:0.#} GiB", Bandwidth(d), Markup.Escape(d.Targets.Count > 0 ? string.Join(", ", d.Targets) : d.Notes ?? ""));
                }
                CliOutput.Table(table);
            }
            if (profiles.Count > 0)
            {
                Console.WriteLine("Profiles of real hardware (device-profiles/):");
                var table = new Table().Border(TableBorder.Simple).AddColumns("id", "kind", "model", "units", "FP32 GF/s", "FP64 GF/s", "memory", "bandwidth", "targets");
                foreach (var d in profiles)
                {
                    table.AddRow(d.Id, d.Kind, Markup.Escape(d.Model), Units(d), d.PeakGflops.Fp32.ToString("0", CultureInfo.InvariantCulture), d.PeakGflops.Fp64.ToString("0", CultureInfo.InvariantCulture),
                        $"{d.Memory.SizeGib:0.#} GiB", Bandwidth(d), Markup.Escape(string.Join(", ", d.Targets)));
                }
                CliOutput.Table(table);
            }
            return 0;
        });
        return command;
    }

    private static string Units(DeviceProfile d) => d.ComputeUnits?.ToString(CultureInfo.InvariantCulture) ?? "—";

    private static string Clock(DeviceProfile d) => d.ClockGhz.Boost is { } ghz and > 0 ? $"{ghz:0.##} GHz" : "—";

    private static string Bandwidth(DeviceProfile d) => d.Memory.BandwidthGbs > 0 ? $"{d.Memory.BandwidthGbs:0.#} GB/s" : "—";

    private static int Remote(ParseResult result)
    {
        using var connection = LavaAccel.Cli.Service.ServiceConnection.Open(result);
        var client = new LavaAccel.Api.V1.DeviceService.DeviceServiceClient(connection.Channel);
        var devices = connection.Invoke(call => client.ListDevices(new LavaAccel.Api.V1.ListDevicesRequest(), call)).Devices;
        if (result.GetValue(CliOutput.JsonOption))
        {
            CliOutput.Json(new JsonArray([.. devices.Select(d => (JsonNode?)new JsonObject
            {
                ["id"] = d.Id,
                ["node"] = d.Node,
                ["kind"] = d.Kind,
                ["model"] = d.Model,
                ["targets"] = new JsonArray([.. d.Targets.Select(t => (JsonNode?)t)]),
                ["online"] = d.State?.Online ?? false,
                ["queued_jobs"] = d.State?.QueuedJobs ?? 0,
                ["running_jobs"] = d.State?.RunningJobs ?? 0,
            })]));
            return 0;
        }
        var table = new Table().Border(TableBorder.Simple).AddColumns("device", "kind", "model", "running", "queued", "targets");
        foreach (var d in devices)
        {
            table.AddRow(Markup.Escape(d.Id), d.Kind, Markup.Escape(d.Model), (d.State?.RunningJobs ?? 0).ToString(CultureInfo.InvariantCulture), (d.State?.QueuedJobs ?? 0).ToString(CultureInfo.InvariantCulture), Markup.Escape(string.Join(", ", d.Targets)));
        }
        CliOutput.Table(table);
        return 0;
    }
}
