using Grpc.Core;
using LavaAccel.Api.V1;
using LavaAccel.Backends;
using LavaAccel.Execution;
using LavaAccel.Service.Placement;
using LavaAccel.Service.Security;
using LavaAccel.Service.Storage;

namespace LavaAccel.Service.Api;

/// <summary>
/// <c>lava.v1.JobService</c>. Submit checks what can be checked at once (package visible to the
/// caller, kernel, range, argument names, target, quotas) and stores the job before replying; a
/// user only ever sees their own jobs (another user's id is NOT_FOUND, not PERMISSION_DENIED).
/// </summary>
public sealed class JobApi(JobStore jobs, PackageStore packages, PlacementService placement, ServiceOptions options, ServiceMetrics metrics) : JobService.JobServiceBase
{
    private const int MaxListed = 1000;
    private const long MaxGeneratedBytes = 1L << 30;

    public override Task<Job> SubmitJob(SubmitJobRequest request, ServerCallContext context)
    {
        var user = TokenAuthInterceptor.Caller(context);
        RequestMigration.Upgrade(request);
        if (!packages.Visible(request.PackageDigest, user.Name))
        {
            throw RpcErrors.NotFound($"no package {request.PackageDigest} (upload it first)", "package", request.PackageDigest);
        }
        var package = packages.Load(request.PackageDigest);
        Validate(package, request);
        var memory = request.MemoryLimitBytes;
        if (memory < 0)
        {
            throw RpcErrors.Invalid("memory_limit_bytes must not be negative", "memory_limit_bytes");
        }
        if (user.MaxMemoryBytes is { } maxMemory)
        {
            if (memory > maxMemory)
            {
                throw new QuotaExceededException(user.Name, $"a memory limit of {memory} bytes exceeds user '{user.Name}''s quota of {maxMemory}");
            }
            memory = memory == 0 ? maxMemory : memory;
        }
        var work = JobDemand.Of(package, request);
        // A job no live node can run is refused now, naming what is missing — unless the caller
        // wants it queued until such a node joins.
        if (options.Roles.Contains("controller") && !request.QueueUnplaceable
            && placement.Unplaceable(new PendingJob("", request.PackageDigest, work, JobDemand.Language(package.IsIlgpu), Named(request.Target), Named(request.Require))) is { } missing)
        {
            throw RpcErrors.Precondition($"{missing}; set queue_unplaceable to queue it until such a node joins", "PLACEMENT",
                Named(request.Target) is { } t ? $"target:{t}" : Named(request.Require) is { } r ? $"device-kind:{r}" : $"package:{request.PackageDigest}");
        }
        var job = jobs.Submit(user, request, memory, package.IsIlgpu, work);
        metrics.Submitted();
        return Task.FromResult(job);
    }

    public override Task<Job> GetJob(GetJobRequest request, ServerCallContext context) =>
        Task.FromResult(Find(request.Id, context));

    public override Task<ListJobsResponse> ListJobs(ListJobsRequest request, ServerCallContext context)
    {
        var user = TokenAuthInterceptor.Caller(context);
        if (request.State.Length == 0 && request.JobState != JobState.Unspecified)
        {
            request.State = JobStates.FromEnum(request.JobState);
            if (request.State.Length == 0)
            {
                throw RpcErrors.Invalid($"job_state {(int)request.JobState} is not a job state", "job_state");
            }
        }
        if (request.State.Length > 0 && !JobStates.All.Contains(request.State))
        {
            throw RpcErrors.Invalid($"unknown state '{request.State}' (one of {string.Join(", ", JobStates.All)})", "state");
        }
        var size = request.PageSize > 0 ? request.PageSize : request.Limit;
        if (size < 0)
        {
            throw RpcErrors.Invalid("page_size must not be negative", "page_size");
        }
        size = size > MaxListed ? MaxListed : size > 0 ? size : 100;
        long? before = null;
        if (request.PageToken.Length > 0)
        {
            before = PageToken.Read(request.PageToken) ?? throw RpcErrors.Invalid("page_token is not one this service issued", "page_token");
        }
        if (request.User.Length > 0 && request.User != user.Name && !user.Admin)
        {
            throw new RpcException(new Status(StatusCode.PermissionDenied, "only an admin may list another user's jobs"));
        }
        // Everyone's own jobs by default; an admin may ask for one user's or ("*") every user's.
        var owner = request.User switch { "" => user.Name, "*" => null, var named => named };
        var (page, next) = jobs.Page(owner, request.State, request.Target, request.Kernel, size, before);
        var response = new ListJobsResponse { NextPageToken = next is { } cursor ? PageToken.Write(cursor) : "" };
        response.Jobs.AddRange(page);
        return Task.FromResult(response);
    }

    public override async Task WatchJob(GetJobRequest request, IServerStreamWriter<Job> responseStream, ServerCallContext context)
    {
        var job = Find(request.Id, context);
        var owner = job.Owner;
        await responseStream.WriteAsync(job, context.CancellationToken).ConfigureAwait(false);
        while (!JobStates.IsFinal(job.State))
        {
            await jobs.Changed.WaitAsync(TimeSpan.FromSeconds(1), context.CancellationToken).ConfigureAwait(false);
            var now = jobs.Get(request.Id, owner) ?? throw RpcErrors.NotFound($"job {request.Id} disappeared");
            if (now.State != job.State || now.Attempts != job.Attempts)
            {
                await responseStream.WriteAsync(now, context.CancellationToken).ConfigureAwait(false);
            }
            job = now;
        }
    }

    public override Task<Job> CancelJob(GetJobRequest request, ServerCallContext context)
    {
        var user = TokenAuthInterceptor.Caller(context);
        var owner = user.Admin ? null : user.Name; // admins cancel any user's job
        var before = jobs.Get(request.Id, owner) ?? throw RpcErrors.NotFound($"no job {request.Id}", "job", request.Id);
        if (JobStates.IsFinal(before.State))
        {
            throw RpcErrors.Precondition($"job {before.Id} already ended {before.State}: there is nothing to cancel", "STATE", $"job:{before.Id}");
        }
        return Task.FromResult(jobs.Cancel(request.Id, owner) ?? throw RpcErrors.NotFound($"no job {request.Id}", "job", request.Id));
    }

    public override Task<JobOutputs> GetOutputs(GetJobRequest request, ServerCallContext context)
    {
        var job = Find(request.Id, context);
        if (job.State != JobStates.Succeeded)
        {
            throw RpcErrors.Precondition($"job {job.Id} is {job.State}{(job.Error.Length > 0 ? ": " + job.Error : "")}; only succeeded jobs have outputs", "STATE", $"job:{job.Id}");
        }
        var outputs = new JobOutputs();
        outputs.Outputs.AddRange(jobs.Outputs(job.Id));
        return Task.FromResult(outputs);
    }

    public override Task<JobLog> GetJobLog(GetJobRequest request, ServerCallContext context)
    {
        var job = Find(request.Id, context);
        var log = jobs.Log(job.Id);
        return Task.FromResult(new JobLog { Text = log, Truncated = log.EndsWith("more than 64 KiB]\n", StringComparison.Ordinal) });
    }

    private static string? Named(string value) => value.Length == 0 || value == "auto" ? null : value;

    private Job Find(string id, ServerCallContext context)
    {
        var user = TokenAuthInterceptor.Caller(context);
        return jobs.Get(id, user.Admin ? null : user.Name) ?? throw RpcErrors.NotFound($"no job {id}", "job", id);
    }

    // Bad requests fail here, with the caller still waiting, rather than as failed jobs later.
    private static void Validate(Package package, SubmitJobRequest request)
    {
        var kernel = package.Manifest.GetKernel(request.Kernel);
        if (request.GlobalSize.Count is < 1 or > 3)
        {
            throw new BadRequestException("global_size", $"global size has {request.GlobalSize.Count} dimensions (1 to 3)");
        }
        new NdRange([.. request.GlobalSize], request.Local.Count > 0 ? [.. request.Local] : null).Resolve(kernel);
        var given = new HashSet<string>(StringComparer.Ordinal);
        foreach (var argument in request.Arguments)
        {
            if (kernel.Arguments.All(a => a.Name != argument.Name))
            {
                throw new BadRequestException("arguments", $"kernel '{kernel.Name}' has no argument '{argument.Name}' (arguments: {string.Join(", ", kernel.Arguments.Select(a => a.Name))})");
            }
            if (!given.Add(argument.Name))
            {
                throw new BadRequestException("arguments", $"argument '{argument.Name}' is given twice");
            }
            if (argument.ValueCase == JobArgument.ValueOneofCase.Text && argument.Text.TrimStart().StartsWith('@'))
            {
                throw new LavaException($"argument '{argument.Name}': files on the server cannot be named; send the buffer as npy bytes");
            }
            if (argument.ValueCase == JobArgument.ValueOneofCase.None)
            {
                throw new LavaException($"argument '{argument.Name}' has no value");
            }
        }
        // Generated buffers are made on the node before the sandbox's limits apply: bound their sum
        // (each is at most 2 GiB, so the sum of at most 128 fits in 64 bits).
        long generated = 0;
        foreach (var argument in request.Arguments.Where(a => a.ValueCase == JobArgument.ValueOneofCase.Text))
        {
            generated += new ArgumentSpec(argument.Name, argument.Text.Trim()).GeneratedBytes(kernel.Arguments.First(a => a.Name == argument.Name)) ?? 0;
        }
        if (generated > MaxGeneratedBytes)
        {
            throw new LavaException($"generated buffers of {generated} bytes exceed the service's limit of {MaxGeneratedBytes} (upload large inputs as .npy)");
        }
        var missing = kernel.Arguments.Where(a => !given.Contains(a.Name)).Select(a => a.Name).ToList();
        if (missing.Count > 0)
        {
            throw new BadRequestException("arguments", $"kernel '{kernel.Name}' needs arguments {string.Join(", ", missing)}");
        }
        if (request.Target.Length > 0 && request.Target != "auto")
        {
            var target = TargetId.Parse(request.Target);
            if (!BackendRegistry.For(target).Accepts(package))
            {
                throw new BadRequestException("target", $"target {target} does not compile this package's kind of kernels");
            }
        }
        if (request.Require.Length > 0 && request.Require is not ("cpu" or "gpu" or "fpga"))
        {
            throw new BadRequestException("require", $"require '{request.Require}' is not a device kind (cpu, gpu or fpga)");
        }
        if (request.Repeat is < 0 or > 10_000)
        {
            throw new BadRequestException("repeat", $"repeat {request.Repeat} is out of range (1 to 10000)");
        }
        if (request.TimeLimitSeconds < 0)
        {
            throw new BadRequestException("time_limit_seconds", "time_limit_seconds must not be negative");
        }
    }
}
