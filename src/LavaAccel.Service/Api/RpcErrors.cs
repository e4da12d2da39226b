using Grpc.Core;
using LavaAccel.Service.Storage;

namespace LavaAccel.Service.Api;

/// <summary>lava's errors as gRPC statuses: bad input is INVALID_ARGUMENT, quotas RESOURCE_EXHAUSTED.</summary>
public static class RpcErrors
{
    public static RpcException From(LavaException e) => e switch
    {
        QuotaExceededException => new RpcException(new Status(StatusCode.ResourceExhausted, e.Message)),
        _ => new RpcException(new Status(StatusCode.InvalidArgument, e.Message)),
    };

    public static RpcException NotFound(string what) => new(new Status(StatusCode.NotFound, what));

    public static RpcException Invalid(string what) => new(new Status(StatusCode.InvalidArgument, what));
}
