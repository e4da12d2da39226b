using Grpc.AspNetCore.HealthChecks;
using LavaAccel.Service.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace LavaAccel.Service;

/// <summary>
/// gRPC health (<c>grpc.health.v1.Health</c>) for the whole server (<c>""</c>) and for each lava.v1
/// service by its full name: SERVING while the database answers; NOT_SERVING while the server
/// drains (from SIGTERM until it stops, <c>--drain-seconds</c>), so load balancers and clients move
/// away before it closes. Checks run on each request (no cache): a draining server says so at once.
/// </summary>
public sealed class ServiceHealth
{
    /// <summary>The services reported by name.</summary>
    public static readonly string[] Services =
        ["lava.v1.JobService", "lava.v1.PackageService", "lava.v1.DeviceService", "lava.v1.UsageService", "lava.v1.VariantService", "lava.v1.Diagnostics"];

    private volatile bool _draining;

    /// <summary>Whether the server is draining.</summary>
    public bool Draining => _draining;

    /// <summary>Marks the server draining (NOT_SERVING from now on).</summary>
    public void Drain() => _draining = true;

    /// <summary>Registers the checks and the per-service mapping.</summary>
    public static void Add(IServiceCollection services, bool nodes)
    {
        services.AddSingleton<ServiceHealth>();
        services.AddGrpcHealthChecks(options =>
        {
            options.UseHealthChecksCache = false;
            options.Services.Clear();
            options.Services.Map("", _ => true);
            foreach (var name in nodes ? [.. Services, "lava.v1.NodeService"] : Services)
            {
                options.Services.Map(name, _ => true);
            }
        })
            .AddCheck<DatabaseCheck>("database")
            .AddCheck<DrainingCheck>("draining");
    }

    private sealed class DatabaseCheck(ServiceDatabase database) : IHealthCheck
    {
        public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
        {
            try
            {
                using var connection = database.Open();
                ServiceDatabase.Scalar(connection, "SELECT 1");
                return Task.FromResult(HealthCheckResult.Healthy());
            }
            catch (Exception e) when (e is Microsoft.Data.Sqlite.SqliteException or IOException)
            {
                return Task.FromResult(HealthCheckResult.Unhealthy($"the database does not answer: {e.Message}"));
            }
        }
    }

    private sealed class DrainingCheck(ServiceHealth health) : IHealthCheck
    {
        public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
            Task.FromResult(health.Draining ? HealthCheckResult.Unhealthy("draining: the server is stopping") : HealthCheckResult.Healthy());
    }
}
