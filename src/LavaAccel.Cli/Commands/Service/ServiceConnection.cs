using LavaAccel.Host;
using System.CommandLine;
using Grpc.Core;
using Grpc.Net.Client;
using LavaAccel.Cache;

namespace LavaAccel.Cli.Service;

/// <summary>
/// A client's connection to <c>lava serve</c>: <c>--server</c> (or LAVA_SERVER, default
/// http://127.0.0.1:7800) and <c>--token</c> (or LAVA_TOKEN; for the local default server, the
/// admin token <c>lava serve</c> wrote under LAVA_HOME/service). Errors from the server become one
/// line naming its status.
/// </summary>
internal sealed class ServiceConnection : IDisposable
{
    public const string DefaultServer = "http://127.0.0.1:7800";

    public static readonly Option<string?> ServerOption = new("--server") { Description = "Service URL (default: $LAVA_SERVER or " + DefaultServer + ")", Recursive = true };
    public static readonly Option<string?> TokenOption = new("--token") { Description = "Bearer token (default: $LAVA_TOKEN, else the local admin token)", Recursive = true };
    public static readonly Option<string?> CaOption = new("--ca") { Description = "CA certificate an https:// server's certificate must chain to (default: $LAVA_CA, else the system's trust store)", Recursive = true };

    private ServiceConnection(GrpcChannel channel, Metadata headers, string server)
    {
        Channel = channel;
        Headers = headers;
        Server = server;
    }

    public GrpcChannel Channel { get; }

    public Metadata Headers { get; }

    public string Server { get; }

    /// <summary>Whether the command line or environment names a server (remote mode).</summary>
    public static bool Requested(ParseResult result) =>
        result.GetValue(ServerOption) is not null || Environment.GetEnvironmentVariable("LAVA_SERVER") is { Length: > 0 };

    public static ServiceConnection Open(ParseResult result)
    {
        var fromEnvironment = Environment.GetEnvironmentVariable("LAVA_SERVER");
        var server = result.GetValue(ServerOption) ?? (string.IsNullOrEmpty(fromEnvironment) ? DefaultServer : fromEnvironment);
        if (!Uri.TryCreate(server, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
        {
            throw new LavaException($"--server '{server}' is not an http:// or https:// URL");
        }
        var token = result.GetValue(TokenOption) ?? Environment.GetEnvironmentVariable("LAVA_TOKEN");
        if (string.IsNullOrEmpty(token) && uri.IsLoopback)
        {
            var local = Path.Combine(DefaultDataDirectory, LavaAccel.Service.ServiceHost.AdminTokenFile);
            token = File.Exists(local) ? File.ReadAllText(local).Trim() : null;
        }
        if (string.IsNullOrEmpty(token))
        {
            // The local admin token is only offered to a server on this machine.
            throw new LavaException("no token: pass --token or set LAVA_TOKEN (`lava users add NAME` issues one)");
        }
        var handler = new SocketsHttpHandler { EnableMultipleHttp2Connections = true };
        var caPath = result.GetValue(CaOption) ?? Environment.GetEnvironmentVariable("LAVA_CA");
        if (uri.Scheme == "https" && !string.IsNullOrEmpty(caPath))
        {
            // The cluster's own CA (lava certs init) instead of the system's trust store.
            var ca = LavaAccel.Service.Security.CertificateAuthority.LoadCertificate(caPath);
            handler.SslOptions.RemoteCertificateValidationCallback = (_, certificate, _, errors) =>
                certificate is not null
                && (errors & ~(System.Net.Security.SslPolicyErrors.RemoteCertificateChainErrors)) == System.Net.Security.SslPolicyErrors.None
                && LavaAccel.Service.Security.CertificateAuthority.Validates(ca, new System.Security.Cryptography.X509Certificates.X509Certificate2(certificate), LavaAccel.Service.Security.CertificateAuthority.ServerAuth);
        }
        var channel = GrpcChannel.ForAddress(uri, new GrpcChannelOptions { HttpHandler = handler, MaxReceiveMessageSize = 512 << 20, MaxSendMessageSize = 64 << 20 });
        return new ServiceConnection(channel, new Metadata { { "authorization", "Bearer " + token } }, server);
    }

    /// <summary>The default data directory of <c>lava serve</c>: LAVA_HOME/service.</summary>
    public static string DefaultDataDirectory => Path.Combine(LavaHome.Path, "service");

    /// <summary>Call options carrying the token.</summary>
    public CallOptions Call(CancellationToken cancellation = default) => new(Headers, cancellationToken: cancellation);

    /// <summary>Runs a call, turning a gRPC failure into one error line.</summary>
    public T Invoke<T>(Func<CallOptions, T> call)
    {
        try
        {
            return call(Call());
        }
        catch (RpcException e)
        {
            throw Failure(e);
        }
    }

    public LavaException Failure(RpcException e) => e.StatusCode switch
    {
        StatusCode.Unavailable => new LavaException($"cannot reach {Server} ({e.Status.Detail}); is `lava serve` running?"),
        _ => new LavaException($"{e.Status.Detail} ({e.StatusCode})"),
    };

    public void Dispose() => Channel.Dispose();
}
