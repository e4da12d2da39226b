using Grpc.Core;
using Grpc.Core.Interceptors;
using LavaAccel.Service.Storage;

namespace LavaAccel.Service.Security;

/// <summary>
/// Every <c>lava.v1</c> call needs <c>authorization: Bearer TOKEN</c> of a known user; the user is
/// put in the call's user state for the services. Health and reflection stay open.
/// </summary>
public sealed class TokenAuthInterceptor(UserStore users) : Interceptor
{
    private const string UserKey = "lava.user";

    /// <summary>The authenticated caller of a call.</summary>
    public static UserAccount Caller(ServerCallContext context) =>
        context.UserState.TryGetValue(UserKey, out var user) ? (UserAccount)user : throw new RpcException(new Status(StatusCode.Unauthenticated, "no authenticated user"));

    public override Task<TResponse> UnaryServerHandler<TRequest, TResponse>(TRequest request, ServerCallContext context, UnaryServerMethod<TRequest, TResponse> continuation)
    {
        Authenticate(context);
        return continuation(request, context);
    }

    public override Task<TResponse> ClientStreamingServerHandler<TRequest, TResponse>(IAsyncStreamReader<TRequest> requestStream, ServerCallContext context, ClientStreamingServerMethod<TRequest, TResponse> continuation)
    {
        Authenticate(context);
        return continuation(requestStream, context);
    }

    public override Task ServerStreamingServerHandler<TRequest, TResponse>(TRequest request, IServerStreamWriter<TResponse> responseStream, ServerCallContext context, ServerStreamingServerMethod<TRequest, TResponse> continuation)
    {
        Authenticate(context);
        return continuation(request, responseStream, context);
    }

    public override Task DuplexStreamingServerHandler<TRequest, TResponse>(IAsyncStreamReader<TRequest> requestStream, IServerStreamWriter<TResponse> responseStream, ServerCallContext context, DuplexStreamingServerMethod<TRequest, TResponse> continuation)
    {
        Authenticate(context);
        return continuation(requestStream, responseStream, context);
    }

    private void Authenticate(ServerCallContext context)
    {
        // Open: health and reflection; nodes authenticate with their certificates (NodeApi checks
        // them). Everything else — however its path is spelled — needs a user's token.
        if (context.Method.StartsWith("/grpc.health.v1.", StringComparison.Ordinal)
            || context.Method.StartsWith("/grpc.reflection.", StringComparison.Ordinal)
            || context.Method.StartsWith("/lava.v1.NodeService/", StringComparison.OrdinalIgnoreCase))
        {
            return;
        }
        var header = context.RequestHeaders.GetValue("authorization");
        if (header is null || !header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            throw new RpcException(new Status(StatusCode.Unauthenticated, "no token: pass --token or set LAVA_TOKEN (authorization: Bearer …)"));
        }
        var user = users.Authenticate(header["Bearer ".Length..].Trim())
            ?? throw new RpcException(new Status(StatusCode.Unauthenticated, "unknown or revoked token"));
        context.UserState[UserKey] = user;
    }
}
