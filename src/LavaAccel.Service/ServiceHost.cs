using LavaAccel.Host;
using LavaAccel.Cache;
using LavaAccel.Sandbox;
using LavaAccel.Scheduling;
using LavaAccel.Service.Api;
using LavaAccel.Service.Compute;
using LavaAccel.Service.Placement;
using LavaAccel.Service.Security;
using LavaAccel.Service.Storage;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging;
using Prometheus;

namespace LavaAccel.Service;

/// <summary>
/// <c>lava serve</c>: the gRPC service (Kestrel, HTTP/2) with the roles it is given — access (the
/// user-facing services), controller (the job store) and compute (the embedded node that runs
/// jobs) — plus gRPC health and reflection and Prometheus metrics at <c>/metrics</c>.
/// </summary>
public static class ServiceHost
{
    /// <summary>File under the data directory holding the first admin's token.</summary>
    public const string AdminTokenFile = "admin.token";

    /// <summary>Builds the service; <see cref="WebApplication.RunAsync(string?)"/> serves it.</summary>
    public static WebApplication Build(ServiceOptions options, Action<ILoggingBuilder>? logging = null, IReadOnlyList<IServiceExtension>? extensions = null)
    {
        extensions ??= [];
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        if (logging is null)
        {
            builder.Logging.AddSimpleConsole(o => { o.SingleLine = true; o.TimestampFormat = "HH:mm:ss "; }).SetMinimumLevel(LogLevel.Warning);
            builder.Logging.AddFilter("LavaAccel", LogLevel.Information);
        }
        else
        {
            logging(builder.Logging);
        }
        // gRPC over cleartext HTTP/2 (prior knowledge) on the listen address; Prometheus scrapes
        // HTTP/1.1, which Kestrel cannot offer on the same cleartext port, so metrics get their own.
        var grpcUri = ParseListen(options.Listen, "--listen", allowTls: true);
        var metricsUri = ParseListen(options.MetricsListen ?? $"http://{grpcUri.Host}:{grpcUri.Port + 1}", "--metrics-listen");
        // https:// on --listen: users' calls (and their tokens) over TLS with the controller's certificate.
        var userTls = grpcUri.Scheme == "https" ? ControllerCertificate(options, "--listen https://") : null;
        var nodeTls = options.NodeListen is null ? null : NodeTls(options);
        var webUri = options.WebListen is null || extensions.Count == 0 ? null : ParseListen(options.WebListen, "--web-listen", allowTls: true);
        var webTls = webUri?.Scheme == "https" ? userTls ?? ControllerCertificate(options, "--web-listen https://") : null;
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            Listen(kestrel, grpcUri, HttpProtocols.Http2, userTls is null ? null : https => https.ServerCertificate = userTls);
            Listen(kestrel, metricsUri, HttpProtocols.Http1);
            if (webUri is not null)
            {
                Listen(kestrel, webUri, HttpProtocols.Http1, webTls is null ? null : https => https.ServerCertificate = webTls);
            }
            if (nodeTls is { } tls)
            {
                // Nodes: HTTPS, and a client certificate issued by the cluster CA or no connection.
                Listen(kestrel, tls.Uri, HttpProtocols.Http2, https =>
                {
                    https.ServerCertificate = tls.Server;
                    https.ClientCertificateMode = Microsoft.AspNetCore.Server.Kestrel.Https.ClientCertificateMode.RequireCertificate;
                    https.ClientCertificateValidation = (certificate, _, _) => CertificateAuthority.Validates(tls.Ca, certificate, CertificateAuthority.ClientAuth);
                });
            }
            kestrel.Limits.Http2.MaxStreamsPerConnection = 1024;
            // gRPC bounds each message itself (MaxReceiveMessageSize, RESOURCE_EXHAUSTED with a
            // message); Kestrel's own 30 MB body limit would end a larger submit with an exception
            // in the handler (UNKNOWN) instead.
            kestrel.Limits.MaxRequestBodySize = null;
        });
        var services = builder.Services;
        services.AddGrpc(grpc =>
        {
            grpc.Interceptors.Add<TokenAuthInterceptor>();
            grpc.Interceptors.Add<LavaErrorInterceptor>();
            grpc.MaxReceiveMessageSize = MaxMessageBytes;
            grpc.MaxSendMessageSize = 512 << 20;
        });
        services.AddGrpcReflection();
        ServiceHealth.Add(services, options.NodeListen is not null);
        services.AddSingleton(options);
        services.AddSingleton(new ServiceDatabase(options.DataDirectory));
        services.AddSingleton<UserStore>();
        services.AddSingleton(sp => new PackageStore(sp.GetRequiredService<ServiceDatabase>(), options.DataDirectory));
        services.AddSingleton<JobStore>();
        services.AddSingleton<NodeStore>();
        services.AddSingleton<ServiceMetrics>();
        services.AddSingleton<DeviceCatalog>();
        services.AddHostedService(sp => sp.GetRequiredService<DeviceCatalog>());
        services.AddSingleton(_ => new VariantCache());
        services.AddSingleton<Slurm.SlurmClient>();
        services.AddSingleton<Slurm.SlurmInventory>();
        services.AddSingleton<PlacementService>();
        services.AddSingleton<NodeDirectory>();
        if (options.Roles.Contains("controller"))
        {
            services.AddHostedService<NodeMonitor>();
            services.AddHostedService(sp => sp.GetRequiredService<PlacementService>());
            if (options.Slurm is { Mode: "job" })
            {
                services.AddHostedService<Slurm.SlurmJobExecutor>();
            }
            else if (options.Slurm is not null)
            {
                services.AddHostedService<Slurm.SlurmPilots>();
            }
        }
        if (options.Roles.Contains("compute"))
        {
            services.AddSingleton(_ => new PerformanceHistory(PerformanceHistory.PathIn(LavaHome.Path)));
            services.AddSingleton(_ => new Deployment(LavaHome.Path, options.PoolSize));
            services.AddSingleton<IPackageSource>(sp => sp.GetRequiredService<PackageStore>());
            services.AddSingleton<JobRunner>();
            services.AddHostedService<JobExecutor>();
        }
        foreach (var extension in webUri is null ? [] : extensions)
        {
            extension.Configure(builder, options);
        }
        var app = builder.Build();
        // SIGTERM (or a stop): health turns NOT_SERVING, the server keeps answering for the drain
        // time so clients and balancers move away, then stops.
        var lifetime = app.Services.GetRequiredService<Microsoft.Extensions.Hosting.IHostApplicationLifetime>();
        var health = app.Services.GetRequiredService<ServiceHealth>();
        lifetime.ApplicationStopping.Register(() =>
        {
            health.Drain();
            if (options.DrainTime > TimeSpan.Zero)
            {
                Thread.Sleep(options.DrainTime);
            }
        });
        EnsureAdmin(app.Services.GetRequiredService<UserStore>(), options.DataDirectory);
        app.MapGrpcService<DeviceApi>();
        app.MapGrpcService<PackageApi>();
        app.MapGrpcService<JobApi>();
        app.MapGrpcService<UsageApi>();
        app.MapGrpcService<DiagnosticsApi>();
        app.MapGrpcService<VariantApi>();
        app.MapGrpcService<AdminApi>();
        if (nodeTls is not null)
        {
            app.MapGrpcService<NodeApi>();
        }
        app.MapGrpcReflectionService();
        app.MapGrpcHealthChecksService();
        // Counting job ends starts with the service, not with the first submit.
        var metrics = app.Services.GetRequiredService<ServiceMetrics>();
        app.MapMetrics("/metrics", metrics.Registry).RequireHost($"*:{metricsUri.Port}");
        foreach (var extension in webUri is null ? [] : extensions)
        {
            extension.Map(app, options, webUri!.Port);
        }
        return app;
    }

    private static Uri ParseListen(string text, string option, bool allowTls = false) =>
        Uri.TryCreate(text, UriKind.Absolute, out var uri) && (uri.Scheme == "http" || allowTls && uri.Scheme == "https") && uri.Port >= 0
            ? uri
            : throw new LavaException($"{option} '{text}' is not an http://{(allowTls ? " or https://" : "")}HOST:PORT address");

    private static X509Certificate2 ControllerCertificate(ServiceOptions options, string what)
    {
        var directory = options.CertificatesDirectory ?? CertificateAuthority.DirectoryIn(options.DataDirectory);
        var (crt, key) = CertificateAuthority.ControllerFiles(directory);
        if (!File.Exists(crt) || !File.Exists(key))
        {
            throw new LavaException($"{what} needs the controller certificate: run `lava certs init --data {options.DataDirectory} --hosts ADDRESS…` first (no {crt})");
        }
        return X509Certificate2.CreateFromPemFile(crt, key);
    }


    private sealed record NodeEndpoint(Uri Uri, X509Certificate2 Server, X509Certificate2 Ca);

    private static NodeEndpoint NodeTls(ServiceOptions options)
    {
        var uri = Uri.TryCreate(options.NodeListen, UriKind.Absolute, out var parsed) && parsed.Scheme == "https"
            ? parsed
            : throw new LavaException($"--node-listen '{options.NodeListen}' is not an https://HOST:PORT address");
        var directory = options.CertificatesDirectory ?? CertificateAuthority.DirectoryIn(options.DataDirectory);
        return new NodeEndpoint(uri, ControllerCertificate(options, "--node-listen"), CertificateAuthority.LoadCertificate(Path.Combine(directory, "ca.crt")));
    }

    private static void Listen(KestrelServerOptions kestrel, Uri uri, HttpProtocols protocols, Action<Microsoft.AspNetCore.Server.Kestrel.Https.HttpsConnectionAdapterOptions>? https = null)
    {
        void Configure(ListenOptions o)
        {
            o.Protocols = protocols;
            if (https is not null)
            {
                o.UseHttps(https);
            }
        }
        if (uri.Host == "localhost")
        {
            kestrel.ListenLocalhost(uri.Port, Configure);
        }
        else if (System.Net.IPAddress.TryParse(uri.Host, out var address))
        {
            kestrel.Listen(address, uri.Port, Configure);
        }
        else
        {
            throw new LavaException($"listen address '{uri}' must be an IP address or localhost");
        }
    }

    /// <summary>The largest request message (a submit with its .npy inputs).</summary>
    public const int MaxMessageBytes = 64 << 20;

    /// <summary>On first start: creates the admin user and writes its token to <c>DATA/admin.token</c> (mode 600).</summary>
    public static void EnsureAdmin(UserStore users, string dataDirectory)
    {
        if (users.Any())
        {
            return;
        }
        var token = users.Add(new UserAccount("admin", Admin: true));
        var path = Path.Combine(dataDirectory, AdminTokenFile);
        LavaAccel.Host.PrivateFiles.WriteSecret(path, token + "\n");
    }
}
