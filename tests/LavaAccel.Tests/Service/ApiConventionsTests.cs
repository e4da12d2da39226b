using Google.Rpc;
using Grpc.Core;
using LavaAccel.Api.V1;

namespace LavaAccel.Tests.Service;

/// <summary>
/// The lava.v1 API as a third-party client (grpcurl, Python) expects it from the Google API design
/// guide: errors with google.rpc.Status details, invalid enumerations refused, lists paged with tokens.
/// </summary>
public sealed class ApiConventionsTests(ServiceFixture service) : IClassFixture<ServiceFixture>
{
    private const string Saxpy = "__kernel void saxpy(float a, __global const float* x, __global float* y) { size_t i = get_global_id(0); y[i] = a * x[i] + y[i]; }";

    private static SubmitJobRequest Job(string digest, string target = "")
    {
        var request = new SubmitJobRequest { PackageDigest = digest, Kernel = "saxpy", Target = target };
        request.GlobalSize.Add(64);
        request.Arguments.Add(new JobArgument { Name = "a", Text = "2" });
        request.Arguments.Add(new JobArgument { Name = "x", Text = "range:64" });
        request.Arguments.Add(new JobArgument { Name = "y", Text = "ones:64" });
        return request;
    }

    [Fact]
    public async Task Errors_carry_status_details_in_api_terms()
    {
        using var user = service.NewUser("api");
        var package = await user.UploadSourceAsync(service.DataDirectory, "saxpy.cl", Saxpy);

        var kind = await Assert.ThrowsAsync<RpcException>(() => user.Devices.ListDevicesAsync(new ListDevicesRequest { Kind = "banana" }, user.Call()).ResponseAsync);
        Assert.Equal(StatusCode.InvalidArgument, kind.StatusCode);
        Assert.Equal("kind", kind.GetRpcStatus()!.GetDetail<BadRequest>()!.FieldViolations.Single().Field);

        var missing = await Assert.ThrowsAsync<RpcException>(() => user.Jobs.GetJobAsync(new GetJobRequest { Id = "j-0000000000000000" }, user.Call()).ResponseAsync);
        var resource = missing.GetRpcStatus()!.GetDetail<ResourceInfo>()!;
        Assert.Equal(("job", "j-0000000000000000"), (resource.ResourceType, resource.ResourceName));

        var bad = Job(package.Digest);
        bad.Repeat = 20_000;
        var repeat = await Assert.ThrowsAsync<RpcException>(() => user.Jobs.SubmitJobAsync(bad, user.Call()).ResponseAsync);
        Assert.Equal("repeat", repeat.GetRpcStatus()!.GetDetail<BadRequest>()!.FieldViolations.Single().Field);

        // A target no live node offers: FAILED_PRECONDITION naming it, in the API's words (no command-line options).
        var unplaceable = await Assert.ThrowsAsync<RpcException>(() => user.Jobs.SubmitJobAsync(Job(package.Digest, "nvptx/sm_90"), user.Call()).ResponseAsync);
        Assert.Equal(StatusCode.FailedPrecondition, unplaceable.StatusCode);
        var violation = unplaceable.GetRpcStatus()!.GetDetail<PreconditionFailure>()!.Violations.Single();
        Assert.Equal(("PLACEMENT", "target:nvptx/sm_90"), (violation.Type, violation.Subject));
        Assert.Contains("queue_unplaceable", unplaceable.Status.Detail);
        Assert.DoesNotContain("--", unplaceable.Status.Detail);
    }

    [Fact]
    public async Task A_request_that_sets_only_the_old_global_field_still_runs()
    {
        using var user = service.NewUser("old");
        var package = await user.UploadSourceAsync(service.DataDirectory, "saxpy.cl", Saxpy);
        var request = Job(package.Digest);
        request.GlobalSize.Clear();
#pragma warning disable CS0612 // an old client
        request.Global.Add(64);
#pragma warning restore CS0612
        var job = await user.Jobs.SubmitJobAsync(request, user.Call());
        using var watch = user.Jobs.WatchJob(new GetJobRequest { Id = job.Id }, user.Call());
        while (await watch.ResponseStream.MoveNext(CancellationToken.None) && watch.ResponseStream.Current.State is "queued" or "running")
        {
        }
        var done = watch.ResponseStream.Current;
        Assert.Equal("succeeded", done.State);
        // The same job as the guide would have it: an enumerated state, Timestamps, a Duration.
        Assert.Equal(JobState.Succeeded, done.JobState);
        Assert.Equal(done.CreatedUnixMs, done.CreateTime.ToDateTimeOffset().ToUnixTimeMilliseconds());
        Assert.True(done.EndTime.ToDateTimeOffset() >= done.StartTime.ToDateTimeOffset());
        // A Duration holds what a TimeSpan does (100 ns ticks): equal to the milliseconds within a tick.
        Assert.True(Math.Abs(done.KernelMs - done.KernelTime.ToTimeSpan().TotalMilliseconds) <= 0.0001, $"{done.KernelMs} vs {done.KernelTime}");
        Assert.True(Math.Abs(done.Usage.WallMs - done.Usage.Wall.ToTimeSpan().TotalMilliseconds) <= 0.0001, $"{done.Usage.WallMs} vs {done.Usage.Wall}");
        var succeeded = await user.Jobs.ListJobsAsync(new ListJobsRequest { JobState = JobState.Succeeded }, user.Call());
        Assert.Contains(succeeded.Jobs, j => j.Id == job.Id);
        var bogus = await Assert.ThrowsAsync<RpcException>(() => user.Jobs.ListJobsAsync(new ListJobsRequest { JobState = (JobState)42 }, user.Call()).ResponseAsync);
        Assert.Equal("job_state", bogus.GetRpcStatus()!.GetDetail<BadRequest>()!.FieldViolations.Single().Field);
    }

    [Fact]
    public async Task Jobs_are_listed_in_pages_with_filters()
    {
        using var user = service.NewUser("pages");
        var package = await user.UploadSourceAsync(service.DataDirectory, "saxpy.cl", Saxpy);
        var ids = new List<string>();
        for (var i = 0; i < 5; i++)
        {
            ids.Add((await user.Jobs.SubmitJobAsync(Job(package.Digest, i % 2 == 0 ? "cpu/x86_64/x86-64-v2" : ""), user.Call())).Id);
        }
        var seen = new List<string>();
        var token = "";
        var pages = 0;
        do
        {
            var page = await user.Jobs.ListJobsAsync(new ListJobsRequest { PageSize = 2, PageToken = token }, user.Call());
            Assert.True(page.Jobs.Count <= 2);
            seen.AddRange(page.Jobs.Select(j => j.Id));
            token = page.NextPageToken;
            pages++;
        }
        while (token.Length > 0);
        Assert.Equal(3, pages);
        Assert.Equal(Enumerable.Reverse(ids), seen); // newest first, each once
        // On (or placed on) a target: the three that asked for it, and any auto job the scheduler sent there.
        var v2 = await user.Jobs.ListJobsAsync(new ListJobsRequest { Target = "cpu/x86_64/x86-64-v2" }, user.Call());
        Assert.True(v2.Jobs.Count >= 3);
        Assert.All(v2.Jobs, j => Assert.True(j.Target == "cpu/x86_64/x86-64-v2" || j.Target.Length == 0 && j.RequestedTarget is "cpu/x86_64/x86-64-v2" or ""));
        Assert.Empty((await user.Jobs.ListJobsAsync(new ListJobsRequest { Kernel = "nothing" }, user.Call())).Jobs);
        var forged = await Assert.ThrowsAsync<RpcException>(() => user.Jobs.ListJobsAsync(new ListJobsRequest { PageToken = "not-a-token" }, user.Call()).ResponseAsync);
        Assert.Equal("page_token", forged.GetRpcStatus()!.GetDetail<BadRequest>()!.FieldViolations.Single().Field);
    }
}
