using LavaAccel.Api.V1;
using LavaAccel.Scheduling;
using LavaAccel.Service.Placement;
using LavaAccel.Service.Storage;

namespace LavaAccel.Tests.Service;

/// <summary>The job store's state machine on its own: claims, results, attempts, re-queues.</summary>
public sealed class JobStoreTests : IDisposable
{
    private readonly DirectoryInfo _data = Directory.CreateTempSubdirectory("lava-jobstore-");
    private readonly JobStore _jobs;
    private readonly UserAccount _user = new("u", false);

    public JobStoreTests() => _jobs = new JobStore(new ServiceDatabase(_data.FullName));

    public void Dispose() => _data.Delete(recursive: true);

    private static readonly KernelWork Work = new("ir:k", 2, 12, 1024, 8192, []);

    // A job the controller placed on node "a" (or the one named).
    private Job Submit(string target = "", bool csharp = false, string node = "a")
    {
        var job = _jobs.Submit(_user, new SubmitJobRequest { PackageDigest = "sha256:" + new string('a', 64), Kernel = "k", Target = target }, 0, csharp, Work);
        Place(job.Id, node);
        return job;
    }

    private void Place(string id, string node, string target = "cpu/x86_64/x86-64-v2") =>
        _jobs.ApplyPlacements([new PlacedJob(id, node, node + "/cpu", "local-cpu", target, 0.01, null, "")]);

    private Job SubmitFor(UserAccount owner, SubmitJobRequest request, string node = "a")
    {
        var job = _jobs.Submit(owner, request, 0, false, Work);
        Place(job.Id, node);
        return job;
    }

    private static JobResult Succeeded() => new(JobStates.Succeeded, "", "cpu/x86_64/x86-64-v2", 1, false, new JobUsage(), []);

    [Fact]
    public void Nodes_claim_only_what_was_placed_on_them_and_run_the_placed_target()
    {
        var onB = Submit("cpu/x86_64/x86-64-v3", node: "b");
        var onA = Submit();
        Place(onB.Id, "b", "cpu/x86_64/x86-64-v3");
        var unplaced = _jobs.Submit(_user, new SubmitJobRequest { PackageDigest = "sha256:" + new string('a', 64), Kernel = "k" }, 0, false, Work);
        Assert.Equal(onA.Id, _jobs.ClaimNext("a")?.Job.Id);
        Assert.Null(_jobs.ClaimNext("a"));
        var claimed = _jobs.ClaimNext("b")!;
        Assert.Equal(onB.Id, claimed.Job.Id);
        Assert.Equal("cpu/x86_64/x86-64-v3", claimed.Request.Target);
        Assert.Equal("cpu/x86_64/x86-64-v3", claimed.Job.Target); // shown while it runs
        Assert.Equal("b/cpu", claimed.Job.Device);
        Assert.Null(_jobs.ClaimNext("b"));
        Assert.Equal(JobStates.Queued, _jobs.Get(unplaced.Id)!.State);
    }

    [Fact]
    public void A_placement_applies_only_while_queued_and_a_waiting_job_shows_why()
    {
        var job = Submit();
        _jobs.ApplyPlacements([new PlacedJob(job.Id, "a", "a/cpu", "local-cpu", "cpu/x86_64/x86-64-v2", 0.5, null, "Resources: the 1 worker(s) of node a are busy (one frees in ≈ 200 ms)")]);
        var queued = _jobs.Get(job.Id)!;
        Assert.StartsWith("Resources:", queued.Reason);
        Assert.Equal("", queued.RequestedTarget);
        Assert.Equal(0, _jobs.ApplyPlacements([new PlacedJob(job.Id, "a", "a/cpu", "local-cpu", "cpu/x86_64/x86-64-v2", 0.5, null, queued.Reason)])); // nothing changed
        _jobs.ClaimNext("a");
        Assert.Equal(0, _jobs.ApplyPlacements([new PlacedJob(job.Id, "b", "b/cpu", "local-cpu", "cpu/x86_64/x86-64-v2", 0.5, null, "")]));
        Assert.Equal("", _jobs.Get(job.Id)!.Reason); // a running job waits for nothing
    }

    [Fact]
    public void A_succeeded_job_teaches_the_history_its_device_and_time()
    {
        var job = Submit();
        FinishedRun? learned = null;
        _jobs.Succeeded += run => learned = run;
        _jobs.ClaimNext("a");
        Assert.True(_jobs.Finish(job.Id, "a", new JobResult(JobStates.Succeeded, "", "cpu/x86_64/x86-64-v2", 4, false, new JobUsage(), [])));
        Assert.Equal(new FinishedRun("ir:k", "cpu/x86_64/x86-64-v2", "local-cpu", 1024, 0.004), learned);
    }

    [Fact]
    public void A_job_ends_once_and_only_for_its_node_and_attempt()
    {
        var job = Submit();
        var first = _jobs.ClaimNext("a")!.Job;
        Assert.Equal(1, first.Attempts);
        _jobs.Requeue("a"); // node a was declared dead
        Place(job.Id, "a");
        var second = _jobs.ClaimNext("a")!.Job;
        Assert.Equal(2, second.Attempts);
        Assert.False(_jobs.Finish(job.Id, "a", Succeeded(), attempt: 1)); // the first run's late result
        Assert.False(_jobs.Finish(job.Id, "b", Succeeded(), attempt: 2)); // another node
        Assert.True(_jobs.Finish(job.Id, "a", Succeeded(), attempt: 2));
        Assert.False(_jobs.Finish(job.Id, "a", Succeeded(), attempt: 2)); // twice
        Assert.Equal(JobStates.Succeeded, _jobs.Get(job.Id)!.State);
    }

    [Fact]
    public void Jobs_a_node_does_not_report_go_back_unless_cancelled()
    {
        var kept = Submit();
        var lost = Submit();
        var cancelled = Submit();
        foreach (var _ in new[] { kept, lost, cancelled })
        {
            _jobs.ClaimNext("a");
        }
        _jobs.Cancel(cancelled.Id, "u");
        Assert.Equal(2, _jobs.RequeueUnreported("a", [kept.Id], TimeSpan.Zero));
        Assert.Equal(JobStates.Running, _jobs.Get(kept.Id)!.State);
        Assert.Equal(JobStates.Queued, _jobs.Get(lost.Id)!.State);
        Assert.Equal(JobStates.Cancelled, _jobs.Get(cancelled.Id)!.State);
        Assert.Equal(0, _jobs.RequeueUnreported("a", [], TimeSpan.FromMinutes(1))); // within the grace period
    }

    [Fact]
    public void Quotas_are_checked_when_submitting()
    {
        var limited = new UserAccount("q", false, MaxJobs: 1);
        SubmitFor(limited, new SubmitJobRequest { PackageDigest = "sha256:" + new string('b', 64), Kernel = "k" });
        var error = Assert.Throws<QuotaExceededException>(() => SubmitFor(limited, new SubmitJobRequest { PackageDigest = "sha256:" + new string('b', 64), Kernel = "k" }));
        Assert.Contains("quota is 1", error.Message);
    }

    [Fact]
    public void A_job_whose_node_is_lost_under_it_again_and_again_fails_instead_of_looping()
    {
        var job = Submit();
        for (var i = 1; i < JobStore.MaxNodeLosses; i++)
        {
            Assert.Equal(job.Id, _jobs.ClaimNext("a")!.Job.Id);
            Assert.Equal(1, _jobs.Requeue("a")); // node a stopped while running it
            Assert.Equal(JobStates.Queued, _jobs.Get(job.Id)!.State);
            Place(job.Id, "a");
        }
        Assert.Equal(job.Id, _jobs.ClaimNext("a")!.Job.Id);
        _jobs.Requeue("a");
        var failed = _jobs.Get(job.Id)!;
        Assert.Equal(JobStates.Failed, failed.State);
        Assert.Contains($"its node stopped while running it {JobStore.MaxNodeLosses} times", failed.Error);
        Assert.Null(_jobs.ClaimNext("a"));
    }

    [Fact]
    public void Lost_messages_do_not_count_as_lost_nodes()
    {
        var job = Submit();
        for (var i = 0; i < JobStore.MaxNodeLosses + 1; i++)
        {
            Assert.Equal(job.Id, _jobs.ClaimNext("a")!.Job.Id);
            Assert.Equal(1, _jobs.RequeueUnreported("a", [], TimeSpan.Zero));
            Place(job.Id, "a");
        }
        Assert.Equal(JobStates.Queued, _jobs.Get(job.Id)!.State);
    }

    [Fact]
    public void A_claim_cuts_the_time_limit_to_the_device_seconds_left()
    {
        var users = new UserStore(new ServiceDatabase(_data.FullName));
        var owner = new UserAccount("q", false, MaxDeviceSeconds: 2.5);
        users.Add(owner);
        SubmitFor(owner, new SubmitJobRequest { PackageDigest = "sha256:" + new string('a', 64), Kernel = "k", TimeLimitSeconds = 600 });
        var claimed = _jobs.ClaimNext("a")!;
        Assert.Equal(2.5, claimed.DeviceSecondsLeft);
        Assert.Equal(2.5, claimed.Request.TimeLimitSeconds);
    }

    [Fact]
    public void Jobs_claimed_together_share_the_device_seconds_left()
    {
        // Found by the red team: two claims at once each got the whole remainder.
        var users = new UserStore(new ServiceDatabase(_data.FullName));
        var owner = new UserAccount("shared", false, MaxDeviceSeconds: 3);
        users.Add(owner);
        SubmitFor(owner, new SubmitJobRequest { PackageDigest = "sha256:" + new string('a', 64), Kernel = "k" }, "a");
        SubmitFor(owner, new SubmitJobRequest { PackageDigest = "sha256:" + new string('a', 64), Kernel = "k" }, "b");
        var first = _jobs.ClaimNext("a")!;
        var second = _jobs.ClaimNext("b")!;
        Assert.Equal(3, first.Request.TimeLimitSeconds);
        Assert.True(second.DeviceSecondsLeft <= 0, $"the second job was granted {second.DeviceSecondsLeft} s of a quota the first holds");
    }
}
