using Grpc.Core;
using Grpc.Health.V1;
using Grpc.Net.Client;
using LavaAccel.Service;

namespace LavaAccel.Tests.Service;

/// <summary>gRPC health by service name, and NOT_SERVING while a stopping server drains.</summary>
public sealed class ServiceHealthTests
{
    [Fact]
    public async Task Each_service_reports_by_name_and_a_draining_server_is_not_serving()
    {
        var data = Directory.CreateTempSubdirectory("lava-health-");
        var port = ServiceFixture.FreePort();
        var app = ServiceHost.Build(new ServiceOptions
        {
            DataDirectory = data.FullName,
            Listen = $"http://127.0.0.1:{port}",
            MetricsListen = $"http://127.0.0.1:{ServiceFixture.FreePort()}",
            Roles = new HashSet<string>(["controller", "access"]),
            DrainTime = TimeSpan.FromSeconds(3),
        }, _ => { });
        try
        {
            await app.StartAsync();
            using var channel = GrpcChannel.ForAddress($"http://127.0.0.1:{port}");
            var health = new Health.HealthClient(channel);
            foreach (var name in ServiceHealth.Services.Prepend(""))
            {
                Assert.Equal(HealthCheckResponse.Types.ServingStatus.Serving, (await health.CheckAsync(new HealthCheckRequest { Service = name })).Status);
            }
            var unknown = await Assert.ThrowsAsync<RpcException>(() => health.CheckAsync(new HealthCheckRequest { Service = "lava.v1.Nothing" }).ResponseAsync);
            Assert.Equal(StatusCode.NotFound, unknown.StatusCode);

            var stopping = Task.Run(() => app.StopAsync());
            var deadline = DateTime.UtcNow.AddSeconds(3);
            var status = HealthCheckResponse.Types.ServingStatus.Serving;
            while (status == HealthCheckResponse.Types.ServingStatus.Serving && DateTime.UtcNow < deadline)
            {
                await Task.Delay(100);
                status = (await health.CheckAsync(new HealthCheckRequest { Service = "lava.v1.JobService" })).Status;
            }
            Assert.Equal(HealthCheckResponse.Types.ServingStatus.NotServing, status);
            await stopping;
        }
        finally
        {
            await app.DisposeAsync();
            data.Delete(recursive: true);
        }
    }
}
