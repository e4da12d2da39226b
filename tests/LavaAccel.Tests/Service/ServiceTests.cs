using System.Runtime.InteropServices;
using Google.Protobuf;
using Grpc.Core;
using Grpc.Health.V1;
using LavaAccel.Api.V1;
using LavaAccel.Execution;

namespace LavaAccel.Tests.Service;

/// <summary>lava serve through its gRPC API: jobs end to end, users kept apart, bad input answered with clear statuses.</summary>
public sealed class ServiceTests(ServiceFixture service) : IClassFixture<ServiceFixture>
{
    internal const string Saxpy = "__kernel void saxpy(float a, __global const float* x, __global float* y) { size_t i = get_global_id(0); y[i] = a * x[i] + y[i]; }";
    internal const string Spin = "__kernel void spin(__global volatile int* x) { while (x[0] == 0) { x[1] = x[1] + 1; } }";
    private const string Crash = "__kernel void crash(__global int* x) { __global int* p = (__global int*)0x10; x[get_global_id(0)] = *p; }";

    internal static SubmitJobRequest SaxpyJob(Package package, int n = 1024)
    {
        var request = new SubmitJobRequest { PackageDigest = package.Digest, Kernel = "saxpy" };
        request.GlobalSize.Add(n);
        request.Arguments.Add(new JobArgument { Name = "a", Text = "2" });
        request.Arguments.Add(new JobArgument { Name = "x", Text = $"range:{n}" });
        request.Arguments.Add(new JobArgument { Name = "y", Npy = ByteString.CopyFrom(NpyArray.FromArray(Enumerable.Repeat(1f, n).ToArray()).Encode()) });
        return request;
    }

    internal static SubmitJobRequest Single(Package package, string kernel, string argument, int n = 4)
    {
        var request = new SubmitJobRequest { PackageDigest = package.Digest, Kernel = kernel, TimeLimitSeconds = 60 };
        request.GlobalSize.Add(n);
        request.Arguments.Add(new JobArgument { Name = argument, Text = $"zeros:{n}" });
        return request;
    }

    private static float[] Floats(ByteString npy)
    {
        var path = Path.GetTempFileName();
        try
        {
            File.WriteAllBytes(path, npy.ToByteArray());
            return (float[])NpyArray.Load(path).ToArray();
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public async Task A_submitted_job_runs_and_its_outputs_come_back()
    {
        using var user = service.NewUser("run");
        var package = await user.UploadSourceAsync(service.DataDirectory, "saxpy.cl", Saxpy);
        var job = await user.Jobs.SubmitJobAsync(SaxpyJob(package), user.Call());
        Assert.Equal("queued", job.State);
        var done = await user.WaitAsync(job.Id);
        Assert.True(done.State == "succeeded", $"{done.State}: {done.Error}");
        Assert.StartsWith("cpu/", done.Target);
        Assert.Equal(1, done.Attempts);
        Assert.True(done.Usage.WallMs > 0);
        var outputs = await user.Jobs.GetOutputsAsync(new GetJobRequest { Id = job.Id }, user.Call());
        var y = Floats(Assert.Single(outputs.Outputs, o => o.Name == "y").Npy);
        Assert.Equal(Enumerable.Range(0, 1024).Select(i => 2f * i + 1), y);
        var usage = await user.Usage.GetUsageAsync(new GetUsageRequest(), user.Call());
        Assert.Equal(1, usage.Succeeded);
    }

    [Fact]
    public async Task A_user_never_sees_another_users_jobs_packages_or_outputs()
    {
        using var alice = service.NewUser("alice");
        using var bob = service.NewUser("bob");
        var package = await alice.UploadSourceAsync(service.DataDirectory, "saxpy.cl", Saxpy);
        var job = await alice.Jobs.SubmitJobAsync(SaxpyJob(package), alice.Call());
        await alice.WaitAsync(job.Id);
        var get = await Assert.ThrowsAsync<RpcException>(async () => await bob.Jobs.GetJobAsync(new GetJobRequest { Id = job.Id }, bob.Call()));
        Assert.Equal(StatusCode.NotFound, get.StatusCode);
        var outputs = await Assert.ThrowsAsync<RpcException>(async () => await bob.Jobs.GetOutputsAsync(new GetJobRequest { Id = job.Id }, bob.Call()));
        Assert.Equal(StatusCode.NotFound, outputs.StatusCode);
        var cancel = await Assert.ThrowsAsync<RpcException>(async () => await bob.Jobs.CancelJobAsync(new GetJobRequest { Id = job.Id }, bob.Call()));
        Assert.Equal(StatusCode.NotFound, cancel.StatusCode);
        Assert.Empty((await bob.Jobs.ListJobsAsync(new ListJobsRequest(), bob.Call())).Jobs);
        var borrowed = await Assert.ThrowsAsync<RpcException>(async () => await bob.Jobs.SubmitJobAsync(SaxpyJob(package), bob.Call()));
        Assert.Equal(StatusCode.NotFound, borrowed.StatusCode);
        var peek = await Assert.ThrowsAsync<RpcException>(async () => await bob.Packages.GetPackageAsync(new GetPackageRequest { Digest = package.Digest }, bob.Call()));
        Assert.Equal(StatusCode.NotFound, peek.StatusCode);
        var others = await Assert.ThrowsAsync<RpcException>(async () => await bob.Usage.GetUsageAsync(new GetUsageRequest { User = job.Owner }, bob.Call()));
        Assert.Equal(StatusCode.PermissionDenied, others.StatusCode);
        // The same bytes uploaded by bob are stored once and then his.
        var again = await bob.UploadAsync(package.Bytes);
        Assert.True(again.Deduplicated);
        Assert.Equal(package.Digest, again.Digest);
    }

    [Fact]
    public async Task Missing_and_wrong_tokens_are_unauthenticated_and_health_needs_none()
    {
        using var nobody = service.Anonymous();
        var missing = await Assert.ThrowsAsync<RpcException>(async () => await nobody.Devices.ListDevicesAsync(new ListDevicesRequest(), nobody.Call()));
        Assert.Equal(StatusCode.Unauthenticated, missing.StatusCode);
        using var forger = service.Anonymous("lava_" + new string('A', 43));
        var wrong = await Assert.ThrowsAsync<RpcException>(async () => await forger.Jobs.ListJobsAsync(new ListJobsRequest(), forger.Call()));
        Assert.Equal(StatusCode.Unauthenticated, wrong.StatusCode);
        // Routing ignores case; authentication must too.
        var shouted = new Method<EchoRequest, EchoReply>(MethodType.Unary, "LAVA.V1.Diagnostics", "Echo",
            Marshallers.Create(m => m.ToByteArray(), EchoRequest.Parser.ParseFrom), Marshallers.Create(m => m.ToByteArray(), EchoReply.Parser.ParseFrom));
        var bypass = await Assert.ThrowsAsync<RpcException>(async () => await nobody.Channel.CreateCallInvoker().AsyncUnaryCall(shouted, null, nobody.Call(), new EchoRequest { Text = "hi" }));
        Assert.Equal(StatusCode.Unauthenticated, bypass.StatusCode);
        var health = new Health.HealthClient(nobody.Channel);
        Assert.Equal(HealthCheckResponse.Types.ServingStatus.Serving, (await health.CheckAsync(new HealthCheckRequest())).Status);
        using var admin = service.Anonymous(service.AdminToken);
        var devices = await admin.Devices.ListDevicesAsync(new ListDevicesRequest(), admin.Call());
        Assert.Contains(devices.Devices, d => d.Kind == "cpu" && d.Targets.Any(t => t.StartsWith("cpu/", StringComparison.Ordinal)) && d.State.Online);
    }

    [Fact]
    public async Task Bad_requests_get_clear_status_codes_and_the_server_keeps_serving()
    {
        using var user = service.NewUser("bad");
        var garbage = await Assert.ThrowsAsync<RpcException>(async () => await user.UploadAsync("not a package at all"u8.ToArray()));
        Assert.Equal(StatusCode.InvalidArgument, garbage.StatusCode);
        Assert.Contains("not a .lava package", garbage.Status.Detail);
        var huge = await Assert.ThrowsAsync<RpcException>(async () => await user.UploadAsync(new byte[5 << 20]));
        Assert.Equal(StatusCode.ResourceExhausted, huge.StatusCode);
        var unknown = await Assert.ThrowsAsync<RpcException>(async () => await user.Jobs.SubmitJobAsync(new SubmitJobRequest { PackageDigest = "sha256:" + new string('0', 64), Kernel = "k" }, user.Call()));
        Assert.Equal(StatusCode.NotFound, unknown.StatusCode);
        var package = await user.UploadSourceAsync(service.DataDirectory, "saxpy.cl", Saxpy);
        var wrongKernel = SaxpyJob(package);
        wrongKernel.Kernel = "sgemm";
        var kernel = await Assert.ThrowsAsync<RpcException>(async () => await user.Jobs.SubmitJobAsync(wrongKernel, user.Call()));
        Assert.Equal(StatusCode.InvalidArgument, kernel.StatusCode);
        Assert.Contains("no kernel 'sgemm'", kernel.Status.Detail);
        var serverFile = SaxpyJob(package);
        serverFile.Arguments[1].Text = "@/etc/passwd";
        var file = await Assert.ThrowsAsync<RpcException>(async () => await user.Jobs.SubmitJobAsync(serverFile, user.Call()));
        Assert.Contains("files on the server", file.Status.Detail);
        serverFile.Arguments[1].Text = "  @/etc/passwd";
        Assert.Contains("files on the server", (await Assert.ThrowsAsync<RpcException>(async () => await user.Jobs.SubmitJobAsync(serverFile, user.Call()))).Status.Detail);
        var generated = SaxpyJob(package);
        generated.Arguments[1].Text = "zeros:300000000"; // 1.2 GB: under the 2 GiB of one buffer, over the service's 1 GiB in all
        Assert.Contains("exceed the service's limit", (await Assert.ThrowsAsync<RpcException>(async () => await user.Jobs.SubmitJobAsync(generated, user.Call()))).Status.Detail);
        var noRange = SaxpyJob(package);
        noRange.GlobalSize.Clear();
        Assert.Equal(StatusCode.InvalidArgument, (await Assert.ThrowsAsync<RpcException>(async () => await user.Jobs.SubmitJobAsync(noRange, user.Call()))).StatusCode);
        var missing = SaxpyJob(package);
        missing.Arguments.RemoveAt(2);
        Assert.Contains("needs arguments y", (await Assert.ThrowsAsync<RpcException>(async () => await user.Jobs.SubmitJobAsync(missing, user.Call()))).Status.Detail);
        var state = await Assert.ThrowsAsync<RpcException>(async () => await user.Jobs.ListJobsAsync(new ListJobsRequest { State = "exploded" }, user.Call()));
        Assert.Equal(StatusCode.InvalidArgument, state.StatusCode);
        // A client that walks away in the middle of an upload harms nobody.
        using (var cancel = new CancellationTokenSource())
        {
            var upload = user.Packages.UploadPackage(user.Call(cancel.Token));
            await upload.RequestStream.WriteAsync(new PackageChunk { Data = ByteString.CopyFrom(package.Bytes, 0, 100) });
            await cancel.CancelAsync();
            await Assert.ThrowsAnyAsync<Exception>(async () => await upload.ResponseAsync);
            upload.Dispose();
        }
        var good = await user.Jobs.SubmitJobAsync(SaxpyJob(package), user.Call());
        Assert.Equal("succeeded", (await user.WaitAsync(good.Id)).State);
    }

    [Fact]
    public async Task A_crashing_kernel_fails_its_job_with_the_reason_and_nothing_else()
    {
        using var user = service.NewUser("crash");
        var package = await user.UploadSourceAsync(service.DataDirectory, "crash.cl", Crash);
        var job = await user.Jobs.SubmitJobAsync(Single(package, "crash", "x"), user.Call());
        var done = await user.WaitAsync(job.Id);
        Assert.Equal("failed", done.State);
        Assert.Contains("SIGSEGV", done.Error);
        var outputs = await Assert.ThrowsAsync<RpcException>(async () => await user.Jobs.GetOutputsAsync(new GetJobRequest { Id = job.Id }, user.Call()));
        Assert.Equal(StatusCode.FailedPrecondition, outputs.StatusCode);
        var saxpy = await user.UploadSourceAsync(service.DataDirectory, "saxpy.cl", Saxpy);
        Assert.Equal("succeeded", (await user.WaitAsync((await user.Jobs.SubmitJobAsync(SaxpyJob(saxpy), user.Call())).Id)).State);
    }

    [Fact]
    public async Task Quotas_hold_at_submit_and_cancel_stops_a_running_kernel()
    {
        using var user = service.NewUser("quota", maxJobs: 1);
        var package = await user.UploadSourceAsync(service.DataDirectory, "spin.cl", Spin);
        var spinning = await user.Jobs.SubmitJobAsync(Single(package, "spin", "x"), user.Call());
        var over = await Assert.ThrowsAsync<RpcException>(async () => await user.Jobs.SubmitJobAsync(Single(package, "spin", "x"), user.Call()));
        Assert.Equal(StatusCode.ResourceExhausted, over.StatusCode);
        Assert.Contains("quota is 1", over.Status.Detail);
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while ((await user.Jobs.GetJobAsync(new GetJobRequest { Id = spinning.Id }, user.Call())).State != "running" && DateTime.UtcNow < deadline)
        {
            await Task.Delay(50);
        }
        var clock = System.Diagnostics.Stopwatch.StartNew();
        await user.Jobs.CancelJobAsync(new GetJobRequest { Id = spinning.Id }, user.Call());
        var done = await user.WaitAsync(spinning.Id);
        Assert.Equal("cancelled", done.State);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(15), $"cancel took {clock.Elapsed}");
        var next = await user.Jobs.SubmitJobAsync(Single(package, "spin", "x"), user.Call());
        await user.Jobs.CancelJobAsync(new GetJobRequest { Id = next.Id }, user.Call());
        Assert.Equal("cancelled", (await user.WaitAsync(next.Id)).State);
    }

    [Fact]
    public async Task Watching_devices_shows_the_queue_change()
    {
        using var admin = service.Anonymous(service.AdminToken);
        using var watch = admin.Devices.WatchDevices(new WatchDevicesRequest(), admin.Call());
        Assert.True(await watch.ResponseStream.MoveNext());
        Assert.Equal(DeviceEvent.Types.Kind.Snapshot, watch.ResponseStream.Current.Kind);
        using var user = service.NewUser("watch");
        // A kernel that keeps running until cancelled: its queue and running counts cannot change
        // back before the catalog looks (a fast job could come and go between two refreshes).
        var package = await user.UploadSourceAsync(service.DataDirectory, "spin.cl", Spin);
        var job = await user.Jobs.SubmitJobAsync(Single(package, "spin", "x"), user.Call());
        var changed = false;
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        while (!changed && await watch.ResponseStream.MoveNext(timeout.Token))
        {
            changed = watch.ResponseStream.Current.Kind == DeviceEvent.Types.Kind.Changed;
        }
        await user.Jobs.CancelJobAsync(new GetJobRequest { Id = job.Id }, user.Call());
        Assert.True(changed);
    }

    [Fact]
    public async Task Prometheus_metrics_count_every_end_show_the_queue_and_pass_promtool()
    {
        using var http = new HttpClient();
        var scrape = () => http.GetStringAsync($"http://127.0.0.1:{service.MetricsPort}/metrics");
        var before = Sample(await scrape(), "lava_jobs_finished_total{state=\"cancelled\"}");
        // A job cancelled while queued ends too (it waits for an FPGA nobody has).
        using var user = service.NewUser("metrics");
        var package = await user.UploadSourceAsync(service.DataDirectory, "saxpy.cl", Saxpy);
        var request = SaxpyJob(package, 64);
        request.Require = "fpga";
        request.QueueUnplaceable = true;
        var job = await user.Jobs.SubmitJobAsync(request, user.Call());
        var text = await scrape();
        Assert.Contains("lava_jobs{state=\"queued\",target=\"auto\"}", text);
        Assert.Contains("lava_nodes{state=\"alive\"} 1", text);
        await user.Jobs.CancelJobAsync(new GetJobRequest { Id = job.Id }, user.Call());
        text = await scrape();
        Assert.Equal(before + 1, Sample(text, "lava_jobs_finished_total{state=\"cancelled\"}"));
        Assert.Contains("lava_jobs_submitted_total", text);
        // The whole scrape passes Prometheus's own linter.
        if (Environment.IsPrivilegedProcess)
        {
            var promtool = RunTool("bash", [LavaCli.RepoFile("tools/promtool.sh")], "").Output.Trim();
            var (exit, output) = RunTool(promtool, ["check", "metrics"], text);
            Assert.True(exit == 0, $"promtool check metrics: {output}");
        }
    }

    private static double Sample(string scrape, string series) =>
        scrape.Split('\n').FirstOrDefault(l => l.StartsWith(series + " ", StringComparison.Ordinal)) is { } line
            ? double.Parse(line[(series.Length + 1)..], System.Globalization.CultureInfo.InvariantCulture)
            : 0;

    private static (int Exit, string Output) RunTool(string tool, string[] args, string input)
    {
        var start = new System.Diagnostics.ProcessStartInfo(tool) { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }
        using var process = System.Diagnostics.Process.Start(start)!;
        process.StandardInput.Write(input);
        process.StandardInput.Close();
        var error = process.StandardError.ReadToEndAsync();
        var output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        return (process.ExitCode, output + error.Result);
    }

    [Fact]
    public async Task Variants_are_precompiled_listed_and_fetched_for_the_packages_owner_only()
    {
        using var user = service.NewUser("variants");
        using var other = service.NewUser("other");
        var package = await user.UploadSourceAsync(service.DataDirectory, "saxpy.cl", Saxpy);
        var variants = new VariantService.VariantServiceClient(user.Channel);
        var request = new PrecompileRequest { PackageDigest = package.Digest };
        request.Targets.Add("cpu/x86_64/x86-64-v2");
        var compiled = Assert.Single((await variants.PrecompileAsync(request, user.Call())).Variants);
        Assert.True(compiled.Cached, compiled.Error);
        Assert.StartsWith("sha256:", compiled.Digest);
        var listed = await variants.ListVariantsAsync(new ListVariantsRequest { PackageDigest = package.Digest }, user.Call());
        Assert.Contains(listed.Variants, v => v.Target == "cpu/x86_64/x86-64-v2" && v.Cached && v.Key == compiled.Key);
        using var fetch = variants.FetchVariant(new FetchVariantRequest { PackageDigest = package.Digest, Target = "cpu/x86_64/x86-64-v2" }, user.Call());
        var bytes = new List<byte>();
        await foreach (var chunk in fetch.ResponseStream.ReadAllAsync())
        {
            bytes.AddRange(chunk.Data);
        }
        Assert.Equal(compiled.SizeBytes, bytes.Count);
        Assert.Equal(compiled.Digest, Digest.Of(bytes.ToArray()).ToString());
        var stranger = new VariantService.VariantServiceClient(other.Channel);
        var denied = await Assert.ThrowsAsync<RpcException>(async () => await stranger.ListVariantsAsync(new ListVariantsRequest { PackageDigest = package.Digest }, other.Call()));
        Assert.Equal(StatusCode.NotFound, denied.StatusCode);
    }
}
