using Grpc.Core;
using Grpc.Core.Interceptors;

namespace LavaAccel.Service.Api;

/// <summary>
/// One place where lava's one-line errors become gRPC statuses (<see cref="RpcErrors.From"/>):
/// bad input INVALID_ARGUMENT, quotas RESOURCE_EXHAUSTED — instead of a try/catch in every call.
/// </summary>
public sealed class LavaErrorInterceptor : Interceptor
{
    public override async Task<TResponse> UnaryServerHandler<TRequest, TResponse>(TRequest request, ServerCallContext context, UnaryServerMethod<TRequest, TResponse> continuation)
    {
        try
        {
            return await continuation(request, context).ConfigureAwait(false);
        }
        catch (LavaException e)
        {
            throw RpcErrors.From(e);
        }
    }

    public override async Task<TResponse> ClientStreamingServerHandler<TRequest, TResponse>(IAsyncStreamReader<TRequest> requestStream, ServerCallContext context, ClientStreamingServerMethod<TRequest, TResponse> continuation)
    {
        try
        {
            return await continuation(requestStream, context).ConfigureAwait(false);
        }
        catch (LavaException e)
        {
            throw RpcErrors.From(e);
        }
    }

    public override async Task ServerStreamingServerHandler<TRequest, TResponse>(TRequest request, IServerStreamWriter<TResponse> responseStream, ServerCallContext context, ServerStreamingServerMethod<TRequest, TResponse> continuation)
    {
        try
        {
            await continuation(request, responseStream, context).ConfigureAwait(false);
        }
        catch (LavaException e)
        {
            throw RpcErrors.From(e);
        }
    }
}
