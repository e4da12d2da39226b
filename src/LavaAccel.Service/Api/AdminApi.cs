using Grpc.Core;
using LavaAccel.Api.V1;
using LavaAccel.Service.Compute;
using LavaAccel.Service.Security;
using LavaAccel.Service.Storage;

namespace LavaAccel.Service.Api;

/// <summary><c>lava.v1.AdminService</c>: users, quotas, tokens and nodes; admins only.</summary>
public sealed class AdminApi(UserStore users, JobStore jobs, NodeDirectory nodes) : AdminService.AdminServiceBase
{
    public override Task<ListUsersResponse> ListUsers(ListUsersRequest request, ServerCallContext context)
    {
        RequireAdmin(context);
        var response = new ListUsersResponse();
        response.Users.AddRange(users.List().Select(Message));
        return Task.FromResult(response);
    }

    public override Task<UserToken> AddUser(AddUserRequest request, ServerCallContext context)
    {
        RequireAdmin(context);
        var account = new UserAccount(request.Name, request.Admin, request.MaxJobs,
            request.MaxMemoryBytes, request.MaxDeviceSeconds);
        UserAccount.CheckQuotas(account.MaxJobs, account.MaxMemoryBytes, account.MaxDeviceSeconds);
        var token = users.Add(account);
        return Task.FromResult(new UserToken { User = Message(users.Get(account.Name)!), Token = token });
    }

    public override Task<RemoveUserReply> RemoveUser(UserRequest request, ServerCallContext context)
    {
        var caller = RequireAdmin(context);
        if (request.Name == caller.Name)
        {
            throw RpcErrors.Precondition("an admin cannot remove themselves (another admin can)", "SELF", $"user:{request.Name}");
        }
        if (users.Get(request.Name) is null)
        {
            throw RpcErrors.NotFound($"no user '{request.Name}'", "user", request.Name);
        }
        var cancelled = jobs.CancelAll(request.Name);
        users.Remove(request.Name);
        return Task.FromResult(new RemoveUserReply { Name = request.Name, CancelledJobs = cancelled });
    }

    public override Task<User> SetQuota(SetQuotaRequest request, ServerCallContext context)
    {
        RequireAdmin(context);
        UserAccount.CheckQuotas(request.MaxJobs, request.MaxMemoryBytes, request.MaxDeviceSeconds);
        var account = users.SetQuota(request.Name,
            (request.MaxJobs, request.UnsetMaxJobs),
            (request.MaxMemoryBytes, request.UnsetMaxMemory),
            (request.MaxDeviceSeconds, request.UnsetMaxDeviceSeconds))
            ?? throw RpcErrors.NotFound($"no user '{request.Name}'", "user", request.Name);
        return Task.FromResult(Message(users.Get(account.Name)!));
    }

    public override Task<UserToken> RotateToken(UserRequest request, ServerCallContext context)
    {
        RequireAdmin(context);
        var token = users.RotateToken(request.Name) ?? throw RpcErrors.NotFound($"no user '{request.Name}'", "user", request.Name);
        return Task.FromResult(new UserToken { User = Message(users.Get(request.Name)!), Token = token });
    }

    public override Task<ListNodesResponse> ListNodes(ListNodesRequest request, ServerCallContext context)
    {
        RequireAdmin(context);
        var response = new ListNodesResponse();
        response.Nodes.AddRange(nodes.List());
        return Task.FromResult(response);
    }

    public override Task<NodeStatus> DrainNode(NodeRequest request, ServerCallContext context)
    {
        RequireAdmin(context);
        return Task.FromResult(nodes.Drain(request.Name) ?? throw RpcErrors.NotFound($"no node '{request.Name}' (lava nodes lists them)", "node", request.Name));
    }

    public override Task<NodeStatus> ResumeNode(NodeRequest request, ServerCallContext context)
    {
        RequireAdmin(context);
        return Task.FromResult(nodes.Resume(request.Name) ?? throw RpcErrors.NotFound($"no node '{request.Name}' (lava nodes lists them)", "node", request.Name));
    }

    /// <summary>The proto form of a user.</summary>
    public static User Message(UserSummary summary)
    {
        var (account, active, used) = (summary.Account, summary.ActiveJobs, summary.DeviceSecondsUsed);
        return new User
        {
            Name = account.Name,
            Admin = account.Admin,
            ActiveJobs = active,
            DeviceSecondsUsed = used,
            MaxJobs = account.MaxJobs,
            MaxMemoryBytes = account.MaxMemoryBytes,
            MaxDeviceSeconds = account.MaxDeviceSeconds,
        };
    }

    private static UserAccount RequireAdmin(ServerCallContext context)
    {
        var user = TokenAuthInterceptor.Caller(context);
        return user.Admin ? user : throw new RpcException(new Status(StatusCode.PermissionDenied, $"'{user.Name}' is not an admin: user and node administration needs an admin token"));
    }
}
