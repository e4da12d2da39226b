using Grpc.Core;
using LavaAccel.Api.V1;

namespace LavaAccel.Tests.Service;

/// <summary>
/// lava.v1.AdminService and admin powers over jobs: users, quotas, token rotation and removal
/// taking effect at the next call, node drain giving queued work back, admins seeing and
/// cancelling anyone's jobs — and none of it for non-admins.
/// </summary>
public sealed class AdminApiTests(ServiceFixture service) : IClassFixture<ServiceFixture>
{
    [Fact]
    public async Task Users_are_listed_added_limited_rotated_and_removed_with_effect_at_the_next_call()
    {
        using var admin = service.Anonymous(service.AdminToken);
        var name = $"carol-{Guid.NewGuid():N}"[..16];
        var added = await admin.Admin.AddUserAsync(new AddUserRequest { Name = name, MaxJobs = 2 }, admin.Call());
        Assert.StartsWith("lava_", added.Token, StringComparison.Ordinal);
        using (var carol = service.Anonymous(added.Token))
        {
            await carol.Jobs.ListJobsAsync(new ListJobsRequest(), carol.Call());
            var denied = await Assert.ThrowsAsync<RpcException>(async () => await carol.Admin.ListUsersAsync(new ListUsersRequest(), carol.Call()));
            Assert.Equal(StatusCode.PermissionDenied, denied.StatusCode);
            var others = await Assert.ThrowsAsync<RpcException>(async () => await carol.Jobs.ListJobsAsync(new ListJobsRequest { User = "*" }, carol.Call()));
            Assert.Equal(StatusCode.PermissionDenied, others.StatusCode);
        }
        var listed = (await admin.Admin.ListUsersAsync(new ListUsersRequest(), admin.Call())).Users.Single(u => u.Name == name);
        Assert.Equal(2, listed.MaxJobs);
        Assert.Null(listed.MaxMemoryBytes);

        var quota = await admin.Admin.SetQuotaAsync(new SetQuotaRequest { Name = name, UnsetMaxJobs = true, MaxMemoryBytes = 1L << 30 }, admin.Call());
        Assert.Null(quota.MaxJobs);
        Assert.Equal(1L << 30, quota.MaxMemoryBytes);
        var bad = await Assert.ThrowsAsync<RpcException>(async () => await admin.Admin.SetQuotaAsync(new SetQuotaRequest { Name = name, MaxJobs = 0 }, admin.Call()));
        Assert.Equal(StatusCode.InvalidArgument, bad.StatusCode);

        var rotated = await admin.Admin.RotateTokenAsync(new UserRequest { Name = name }, admin.Call());
        using (var old = service.Anonymous(added.Token))
        {
            var refused = await Assert.ThrowsAsync<RpcException>(async () => await old.Jobs.ListJobsAsync(new ListJobsRequest(), old.Call()));
            Assert.Equal(StatusCode.Unauthenticated, refused.StatusCode);
        }
        using var renewed = service.Anonymous(rotated.Token);
        var package = await renewed.UploadSourceAsync(service.DataDirectory, "spin.cl", ServiceTests.Spin);
        var spinning = await renewed.Jobs.SubmitJobAsync(ServiceTests.Single(package, "spin", "x"), renewed.Call());

        var removed = await admin.Admin.RemoveUserAsync(new UserRequest { Name = name }, admin.Call());
        Assert.Equal(1, removed.CancelledJobs);
        var gone = await Assert.ThrowsAsync<RpcException>(async () => await renewed.Jobs.ListJobsAsync(new ListJobsRequest(), renewed.Call()));
        Assert.Equal(StatusCode.Unauthenticated, gone.StatusCode);
        var job = await WaitAsync(admin, spinning.Id, "cancelled");
        Assert.Equal("cancelled", job.State);
        var missing = await Assert.ThrowsAsync<RpcException>(async () => await admin.Admin.RemoveUserAsync(new UserRequest { Name = name }, admin.Call()));
        Assert.Equal(StatusCode.NotFound, missing.StatusCode);
    }

    [Fact]
    public async Task A_drained_node_takes_nothing_new_until_resumed_and_admins_reach_every_users_jobs()
    {
        using var admin = service.Anonymous(service.AdminToken);
        using var user = service.NewUser("drain");
        var package = await user.UploadSourceAsync(service.DataDirectory, "saxpy.cl", ServiceTests.Saxpy);
        var drained = await admin.Admin.DrainNodeAsync(new NodeRequest { Name = "local" }, admin.Call());
        Assert.Equal("drained", drained.State);
        try
        {
            var request = ServiceTests.SaxpyJob(package, 256);
            request.QueueUnplaceable = true; // nothing else computes: it waits, and says why
            var job = await user.Jobs.SubmitJobAsync(request, user.Call());
            await Task.Delay(TimeSpan.FromSeconds(2));
            var waiting = await user.Jobs.GetJobAsync(new GetJobRequest { Id = job.Id }, user.Call());
            Assert.Equal("queued", waiting.State);
            Assert.NotEqual("", waiting.Reason);

            // An admin sees it among everyone's jobs, and by id.
            var all = await admin.Jobs.ListJobsAsync(new ListJobsRequest { User = "*" }, admin.Call());
            Assert.Contains(all.Jobs, j => j.Id == job.Id);
            var own = await admin.Jobs.ListJobsAsync(new ListJobsRequest(), admin.Call());
            Assert.DoesNotContain(own.Jobs, j => j.Id == job.Id);
            Assert.Equal(job.Id, (await admin.Jobs.GetJobAsync(new GetJobRequest { Id = job.Id }, admin.Call())).Id);

            var nodes = await admin.Admin.ListNodesAsync(new ListNodesRequest(), admin.Call());
            Assert.Equal("drained", nodes.Nodes.Single(n => n.Name == "local").State);
            var resumed = await admin.Admin.ResumeNodeAsync(new NodeRequest { Name = "local" }, admin.Call());
            Assert.Equal("online", resumed.State);
            Assert.Equal("succeeded", (await WaitAsync(user, job.Id, "succeeded")).State);

            // And cancels another user's job.
            var spin = await user.UploadSourceAsync(service.DataDirectory, "spin.cl", ServiceTests.Spin);
            var spinning = await user.Jobs.SubmitJobAsync(ServiceTests.Single(spin, "spin", "x"), user.Call());
            await admin.Jobs.CancelJobAsync(new GetJobRequest { Id = spinning.Id }, admin.Call());
            Assert.Equal("cancelled", (await WaitAsync(user, spinning.Id, "cancelled")).State);
        }
        finally
        {
            await admin.Admin.ResumeNodeAsync(new NodeRequest { Name = "local" }, admin.Call());
        }
        var unknown = await Assert.ThrowsAsync<RpcException>(async () => await admin.Admin.DrainNodeAsync(new NodeRequest { Name = "nowhere" }, admin.Call()));
        Assert.Equal(StatusCode.NotFound, unknown.StatusCode);
    }

    internal static async Task<Job> WaitAsync(ServiceFixture.Client client, string id, string state)
    {
        var deadline = DateTime.UtcNow.AddMinutes(2);
        while (true)
        {
            var job = await client.Jobs.GetJobAsync(new GetJobRequest { Id = id }, client.Call());
            if (job.State == state || DateTime.UtcNow > deadline || job.State is "succeeded" or "failed" or "cancelled")
            {
                return job;
            }
            await Task.Delay(100);
        }
    }
}
