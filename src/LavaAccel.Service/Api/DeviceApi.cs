using Grpc.Core;
using LavaAccel.Api.V1;
using LavaAccel.Service.Compute;

namespace LavaAccel.Service.Api;

/// <summary><c>lava.v1.DeviceService</c>: profiles and live state from the catalog's snapshot.</summary>
public sealed class DeviceApi(DeviceCatalog catalog) : DeviceService.DeviceServiceBase
{
    public override Task<ListDevicesResponse> ListDevices(ListDevicesRequest request, ServerCallContext context)
    {
        if (request.Kind.Length > 0 && request.Kind is not ("cpu" or "gpu" or "fpga"))
        {
            throw RpcErrors.Invalid($"kind '{request.Kind}' is not a device kind (cpu, gpu or fpga; empty for all)", "kind");
        }
        var snapshot = catalog.Snapshot;
        if (request.Kind.Length == 0)
        {
            return Task.FromResult(snapshot);
        }
        var filtered = new ListDevicesResponse();
        filtered.Devices.AddRange(snapshot.Devices.Where(d => d.Kind == request.Kind));
        return Task.FromResult(filtered);
    }

    public override Task<Device> GetDevice(GetDeviceRequest request, ServerCallContext context) =>
        Task.FromResult(catalog.Snapshot.Devices.FirstOrDefault(d => d.Id == request.Id)
            ?? throw RpcErrors.NotFound($"no device {request.Id} (ListDevices shows them)", "device", request.Id));

    public override async Task WatchDevices(WatchDevicesRequest request, IServerStreamWriter<DeviceEvent> responseStream, ServerCallContext context)
    {
        var sent = new Dictionary<string, Device>(StringComparer.Ordinal);
        var kind = DeviceEvent.Types.Kind.Snapshot;
        while (!context.CancellationToken.IsCancellationRequested)
        {
            var next = catalog.Changed.Next;
            var snapshot = catalog.Snapshot;
            foreach (var device in snapshot.Devices)
            {
                // Heartbeat times alone are not news.
                if (!sent.TryGetValue(device.Id, out var before) || !SameState(before, device))
                {
                    await responseStream.WriteAsync(new DeviceEvent { Kind = kind, Device = device }, context.CancellationToken).ConfigureAwait(false);
                    sent[device.Id] = device;
                }
            }
            foreach (var gone in sent.Keys.Except(snapshot.Devices.Select(d => d.Id)).ToList())
            {
                await responseStream.WriteAsync(new DeviceEvent { Kind = DeviceEvent.Types.Kind.Removed, Device = sent[gone] }, context.CancellationToken).ConfigureAwait(false);
                sent.Remove(gone);
            }
            kind = DeviceEvent.Types.Kind.Changed;
            try
            {
                await next.WaitAsync(context.CancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private static bool SameState(Device a, Device b) =>
        a.State.Online == b.State.Online && a.State.QueuedJobs == b.State.QueuedJobs && a.State.RunningJobs == b.State.RunningJobs;
}
