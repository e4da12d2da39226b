using System.Text.Json;
using Grpc.Core;
using Grpc.Net.Client;
using LavaAccel.Api.V1;
using LavaAccel.Service;
using LavaAccel.Service.Security;

namespace LavaAccel.Tests.Service;

/// <summary>Users' calls over TLS (<c>lava serve --listen https://…</c>) with the cluster CA's controller certificate.</summary>
public sealed class ServiceTlsTests : IDisposable
{
    private readonly TempLavaHome _home = new();

    public void Dispose() => _home.Dispose();

    [Fact]
    public async Task Clients_that_trust_the_cluster_CA_get_through_and_others_do_not()
    {
        var data = Path.Combine(_home.Path, "service");
        var ca = CertificateAuthority.OpenOrCreate(CertificateAuthority.DirectoryIn(data));
        ca.IssueController(["127.0.0.1"]);
        var port = ServiceFixture.FreePort();
        await using var app = ServiceHost.Build(new ServiceOptions
        {
            DataDirectory = data,
            Listen = $"https://127.0.0.1:{port}",
            MetricsListen = $"http://127.0.0.1:{ServiceFixture.FreePort()}",
            Roles = new HashSet<string>(["controller", "access"]),
        }, _ => { });
        await app.StartAsync();
        try
        {
            var token = File.ReadAllText(Path.Combine(data, ServiceHost.AdminTokenFile)).Trim();
            var caFile = Path.Combine(CertificateAuthority.DirectoryIn(data), "ca.crt");
            var result = LavaCli.RunWith(_home.Path, new Dictionary<string, string> { ["LAVA_TOKEN"] = token },
                "--json", "devices", "--server", $"https://127.0.0.1:{port}", "--ca", caFile);
            Assert.True(result.ExitCode == 0, result.ToString());
            Assert.Equal(JsonValueKind.Array, JsonDocument.Parse(result.Stdout).RootElement.ValueKind);

            // Without the CA the certificate is not trusted: no call, so no token leaves the client.
            using var untrusting = GrpcChannel.ForAddress($"https://127.0.0.1:{port}");
            var client = new DeviceService.DeviceServiceClient(untrusting);
            var refused = await Assert.ThrowsAsync<RpcException>(async () => await client.ListDevicesAsync(new ListDevicesRequest(), new Metadata { { "authorization", "Bearer " + token } }));
            Assert.True(refused.StatusCode is StatusCode.Unavailable or StatusCode.Internal, refused.ToString());
            Assert.Matches("(?i)ssl|certificate", refused.Status.Detail + refused.Status.DebugException);
        }
        finally
        {
            await app.StopAsync();
        }
    }
}
