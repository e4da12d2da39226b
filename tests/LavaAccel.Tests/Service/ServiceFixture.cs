using System.Net;
using System.Net.Sockets;
using Google.Protobuf;
using Grpc.Core;
using Grpc.Net.Client;
using LavaAccel.Api.V1;
using LavaAccel.Service;
using LavaAccel.Service.Storage;
using LavaAccel.Toolchain;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;

namespace LavaAccel.Tests.Service;

/// <summary>
/// A real <c>lava serve</c> in the test process (Kestrel on free loopback ports, its own data
/// directory, the embedded compute node with the default sandbox) and gRPC clients for users.
/// </summary>
public sealed class ServiceFixture : IAsyncLifetime
{
    private readonly DirectoryInfo _data = Directory.CreateTempSubdirectory("lava-service-");
    private WebApplication? _app;

    public int Port { get; } = FreePort();

    public int MetricsPort { get; } = FreePort();

    /// <summary>The web dashboard's port.</summary>
    public int WebPort { get; } = FreePort();

    /// <summary>The web dashboard's address.</summary>
    public string WebAddress => $"http://127.0.0.1:{WebPort}";

    /// <summary>Where the dashboard looks for lava bench reports.</summary>
    public string BenchmarksDirectory => Path.Combine(DataDirectory, "benchmarks");

    public string Address => $"http://127.0.0.1:{Port}";

    public string DataDirectory => _data.FullName;

    public ServiceOptions Options => _app!.Services.GetRequiredService<ServiceOptions>();

    public UserStore Users => _app!.Services.GetRequiredService<UserStore>();

    public string AdminToken => File.ReadAllText(Path.Combine(DataDirectory, ServiceHost.AdminTokenFile)).Trim();

    public async Task InitializeAsync()
    {
        _app = ServiceHost.Build(new ServiceOptions
        {
            DataDirectory = DataDirectory,
            Listen = Address,
            MetricsListen = $"http://127.0.0.1:{MetricsPort}",
            WebListen = WebAddress,
            BenchmarksDirectory = BenchmarksDirectory,
            Workers = 2,
            PoolSize = 1,
            MaxUploadBytes = 4 << 20,
        }, logging => { }, [new LavaAccel.Web.WebDashboard()]);
        await _app.StartAsync();
    }

    public async Task DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }
        _data.Delete(recursive: true);
    }

    /// <summary>A new user with a token (and optional quotas).</summary>
    public Client NewUser(string prefix, long? maxJobs = null) =>
        new(Address, Users.Add(new UserAccount($"{prefix}-{Guid.NewGuid():N}"[..20], false, maxJobs)));

    /// <summary>A client without a token (or with the given one).</summary>
    public Client Anonymous(string? token = null) => new(Address, token);

    /// <summary>A loopback port nothing listens on now.</summary>
    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>One user's view of the service.</summary>
    public sealed class Client : IDisposable
    {
        private readonly GrpcChannel _channel;
        private readonly Metadata _headers = [];

        public Client(string address, string? token)
        {
            _channel = GrpcChannel.ForAddress(address);
            if (token is not null)
            {
                _headers.Add("authorization", "Bearer " + token);
            }
            Jobs = new JobService.JobServiceClient(_channel);
            Packages = new PackageService.PackageServiceClient(_channel);
            Devices = new DeviceService.DeviceServiceClient(_channel);
            Usage = new UsageService.UsageServiceClient(_channel);
            Admin = new AdminService.AdminServiceClient(_channel);
        }

        public AdminService.AdminServiceClient Admin { get; }

        public JobService.JobServiceClient Jobs { get; }

        public PackageService.PackageServiceClient Packages { get; }

        public DeviceService.DeviceServiceClient Devices { get; }

        public UsageService.UsageServiceClient Usage { get; }

        public GrpcChannel Channel => _channel;

        public CallOptions Call(CancellationToken cancellation = default) => new(_headers, DateTime.UtcNow.AddMinutes(3), cancellation);

        /// <summary>Uploads bytes in chunks and returns the server's answer.</summary>
        public async Task<PackageInfo> UploadAsync(byte[] bytes, int chunk = 64 << 10)
        {
            using var upload = Packages.UploadPackage(Call());
            try
            {
                for (var offset = 0; offset < bytes.Length; offset += chunk)
                {
                    await upload.RequestStream.WriteAsync(new PackageChunk { Data = ByteString.CopyFrom(bytes, offset, Math.Min(chunk, bytes.Length - offset)) });
                }
                await upload.RequestStream.CompleteAsync();
            }
            catch (Exception e) when (e is RpcException or InvalidOperationException)
            {
                // The server ended the call early (e.g. the size limit): its status is in the response.
            }
            return await upload.ResponseAsync;
        }

        /// <summary>Packs an OpenCL C source and uploads it.</summary>
        public async Task<Package> UploadSourceAsync(string directory, string fileName, string source)
        {
            var path = Path.Combine(Directory.CreateDirectory(Path.Combine(directory, Guid.NewGuid().ToString("N"))).FullName, fileName);
            await File.WriteAllTextAsync(path, source);
            var package = PackageBuilder.Pack(path, new PackOptions([]));
            await UploadAsync(package.Bytes);
            return package;
        }

        /// <summary>Follows a job until it ends.</summary>
        public async Task<Job> WaitAsync(string id)
        {
            Job? last = null;
            using var watch = Jobs.WatchJob(new GetJobRequest { Id = id }, Call());
            await foreach (var job in watch.ResponseStream.ReadAllAsync())
            {
                last = job;
            }
            return last ?? throw new InvalidOperationException("no job state arrived");
        }

        public void Dispose() => _channel.Dispose();
    }
}
