using Grpc.Core;
using LavaAccel.Api.V1;
using LavaAccel.Service.Security;
using LavaAccel.Service.Storage;

namespace LavaAccel.Service.Api;

/// <summary><c>lava.v1.UsageService</c>: a user's own usage; any user's for admins.</summary>
public sealed class UsageApi(JobStore jobs) : UsageService.UsageServiceBase
{
    public override Task<UsageSummary> GetUsage(GetUsageRequest request, ServerCallContext context)
    {
        var user = TokenAuthInterceptor.Caller(context);
        var who = request.User.Length == 0 ? user.Name : request.User;
        if (who != user.Name && !user.Admin)
        {
            throw new RpcException(new Status(StatusCode.PermissionDenied, "only an admin may read another user's usage"));
        }
        return Task.FromResult(jobs.Usage(who));
    }
}

/// <summary><c>lava.v1.Diagnostics</c>: the echo the load benchmark compares device queries with.</summary>
public sealed class DiagnosticsApi : Diagnostics.DiagnosticsBase
{
    public override Task<EchoReply> Echo(EchoRequest request, ServerCallContext context) =>
        Task.FromResult(new EchoReply { Text = request.Text });
}
