using Microsoft.AspNetCore.Builder;

namespace LavaAccel.Service;

/// <summary>
/// Something served next to the gRPC API on its own listen address (the web dashboard): it adds
/// its services to the host and maps its endpoints, restricted to its port.
/// </summary>
public interface IServiceExtension
{
    /// <summary>Adds the extension's services.</summary>
    void Configure(WebApplicationBuilder builder, ServiceOptions options);

    /// <summary>Maps the extension's endpoints on <paramref name="port"/>.</summary>
    void Map(WebApplication app, ServiceOptions options, int port);
}
