using Grpc.Core;
using LavaAccel.Service.Storage;

namespace LavaAccel.Service.Api;

/// <summary>lava's errors as gRPC statuses: bad input is INVALID_ARGUMENT, quotas RESOURCE_EXHAUSTED.</summary>
public static class RpcErrors
{
    public static RpcException From(LavaException e) => e switch
    {
        QuotaExceededException => new RpcException(new Status(StatusCode.ResourceExhausted, Bounded(e.Message))),
        _ => new RpcException(new Status(StatusCode.InvalidArgument, Bounded(e.Message))),
    };

    public static RpcException NotFound(string what) => new(new Status(StatusCode.NotFound, Bounded(what)));

    public static RpcException Invalid(string what) => new(new Status(StatusCode.InvalidArgument, Bounded(what)));

    /// <summary>
    /// The longest status detail sent: it travels in an HTTP/2 trailer, and one that quotes a
    /// 100,000-character kernel name would overflow the client's header table (and read as "cannot reach").
    /// </summary>
    public const int MaxDetail = 2048;

    private static string Bounded(string message) => message.Length <= MaxDetail ? message : message[..MaxDetail] + "…";
}
