using Google.Protobuf.WellKnownTypes;
using Google.Rpc;
using Grpc.Core;
using LavaAccel.Service.Storage;

namespace LavaAccel.Service.Api;

/// <summary>
/// lava's errors as gRPC statuses with <c>google.rpc.Status</c> details (in the
/// <c>grpc-status-details-bin</c> trailer, as the Google API design guide has it), so a client
/// in any language can act on them without parsing text: bad input is INVALID_ARGUMENT with
/// <c>BadRequest</c> field violations, quotas RESOURCE_EXHAUSTED with <c>QuotaFailure</c>, a job
/// nothing can run FAILED_PRECONDITION with <c>PreconditionFailure</c>, a missing job, package or
/// device NOT_FOUND with <c>ResourceInfo</c>. The text names the problem in API terms (fields,
/// not command-line options).
/// </summary>
public static class RpcErrors
{
    public static RpcException From(LavaException e) => e switch
    {
        QuotaExceededException q => With(Code.ResourceExhausted, e.Message, new QuotaFailure { Violations = { new QuotaFailure.Types.Violation { Subject = $"user:{q.User}", Description = Bounded(e.Message) } } }),
        BadRequestException b => Invalid(e.Message, b.Field),
        _ => Invalid(e.Message),
    };

    /// <summary>NOT_FOUND for a resource of <paramref name="type"/> (job, package, device…) named <paramref name="name"/>.</summary>
    public static RpcException NotFound(string what, string type = "", string name = "") =>
        With(Code.NotFound, what, new ResourceInfo { ResourceType = type, ResourceName = name, Description = Bounded(what) });

    /// <summary>INVALID_ARGUMENT naming the request field at fault ("" when the whole request).</summary>
    public static RpcException Invalid(string what, string field = "") =>
        With(Code.InvalidArgument, what, new BadRequest { FieldViolations = { new BadRequest.Types.FieldViolation { Field = field, Description = Bounded(what) } } });

    /// <summary>FAILED_PRECONDITION: the system is not in a state to do it (<paramref name="type"/>: PLACEMENT, STATE…; <paramref name="subject"/>: what it is about).</summary>
    public static RpcException Precondition(string what, string type, string subject) =>
        With(Code.FailedPrecondition, what, new PreconditionFailure { Violations = { new PreconditionFailure.Types.Violation { Type = type, Subject = subject, Description = Bounded(what) } } });

    /// <summary>
    /// The longest status detail sent: it travels in an HTTP/2 trailer, and one that quotes a
    /// 100,000-character kernel name would overflow the client's header table (and read as "cannot reach").
    /// </summary>
    public const int MaxDetail = 2048;

    private static RpcException With(Code code, string message, Google.Protobuf.IMessage detail) =>
        new Google.Rpc.Status { Code = (int)code, Message = Bounded(message), Details = { Any.Pack(detail) } }.ToRpcException();

    private static string Bounded(string message) => message.Length <= MaxDetail ? message : message[..MaxDetail] + "…";
}

/// <summary>Bad input in one field of a request (INVALID_ARGUMENT with that field named).</summary>
public sealed class BadRequestException(string field, string message) : LavaException(message)
{
    /// <summary>The request field at fault (<c>global_size</c>, <c>arguments[2]</c>…).</summary>
    public string Field { get; } = field;
}
