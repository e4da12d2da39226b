using Google.Protobuf;
using Grpc.Core;
using LavaAccel.Api.V1;
using LavaAccel.Execution;
using LavaAccel.Service;
using LavaAccel.Service.Storage;
using LavaAccel.Tests.Security;

namespace LavaAccel.Tests.Service;

/// <summary>
/// What an ordinary user of <c>lava serve</c> tried against it: kernels on every runtime stay in
/// their sandbox and the server keeps serving, sums of sizes cannot overflow, other local users
/// cannot read the service's files, quotas hold while jobs run, large submits get a clear status.
/// </summary>
public sealed class ServiceSecurityTests(ServiceFixture service) : IClassFixture<ServiceFixture>
{
    private const string Saxpy = "__kernel void saxpy(float a, __global const float* x, __global float* y) { size_t i = get_global_id(0); y[i] = a * x[i] + y[i]; }";
    private const string Spin = "__kernel void spin(__global volatile int* x) { while (x[0] == 0) { x[1] = x[1] + 1; } }";

    private static SubmitJobRequest Job(Package package, string kernel, string target, params (string Name, string Text)[] arguments)
    {
        var request = new SubmitJobRequest { PackageDigest = package.Digest, Kernel = kernel, Target = target, TimeLimitSeconds = 60 };
        request.GlobalSize.Add(64);
        foreach (var (name, text) in arguments)
        {
            request.Arguments.Add(new JobArgument { Name = name, Text = text });
        }
        return request;
    }

    [Fact]
    public async Task Opencl_jobs_run_sandboxed_and_a_crashing_one_leaves_the_server_serving()
    {
        if (RunnableTargets.OpenCl.Count == 0)
        {
            return;
        }
        using var user = service.NewUser("ocl");
        var oob = await user.UploadSourceAsync(service.DataDirectory, "oob.cl", "__kernel void oob(__global int* x) { for (long i = 0; ; i += 4096) x[i] = 1; }");
        var crashed = await user.WaitAsync((await user.Jobs.SubmitJobAsync(Job(oob, "oob", "opencl/spir", ("x", "zeros:16")), user.Call())).Id);
        Assert.Equal("failed", crashed.State);
        Assert.Contains("crashed", crashed.Error);

        var saxpy = await user.UploadSourceAsync(service.DataDirectory, "saxpy.cl", Saxpy);
        var done = await user.WaitAsync((await user.Jobs.SubmitJobAsync(Job(saxpy, "saxpy", "opencl/spir", ("a", "2"), ("x", "ones:64"), ("y", "ones:64")), user.Call())).Id);
        Assert.Equal("succeeded", done.State);
    }

    [Fact]
    public async Task A_hand_made_package_with_assembly_never_runs_on_any_target()
    {
        using var user = service.NewUser("asm");
        var package = HandMadePackages.FromOpenCl(service.DataDirectory, "pwn.cl",
            "__kernel void pwn(__global long* out) { __asm__ volatile(\"push %%rax\\n mov $39, %%eax\\n syscall\\n pop %%rax\" ::: \"memory\"); out[0] = 1; }");
        await user.UploadAsync(package.Bytes);
        foreach (var target in RunnableTargets.OpenCl.Select(t => t.ToString()).Append("cpu/x86_64/x86-64-v2"))
        {
            var job = await user.WaitAsync((await user.Jobs.SubmitJobAsync(Job(package, "pwn", target, ("out", "zeros:64")), user.Call())).Id);
            Assert.Equal("failed", job.State);
            Assert.Contains("inline assembly", job.Error);
        }
    }

    [Fact]
    public async Task Summed_buffer_sizes_cannot_overflow_the_generated_bytes_bound()
    {
        using var user = service.NewUser("sum");
        var package = await user.UploadSourceAsync(service.DataDirectory, "two.cl", "__kernel void two(__global char* x, __global char* y) { x[0] = y[0]; }");
        var request = Job(package, "two", "", ("x", "zeros:500000000"), ("y", "zeros:4611686017927387904"));
        var error = await Assert.ThrowsAsync<RpcException>(async () => await user.Jobs.SubmitJobAsync(request, user.Call()));
        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        Assert.Contains("more than lava will generate", error.Status.Detail);
    }

    [Fact]
    public void The_services_files_are_its_own_and_the_admin_token_is_plain_ascii()
    {
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(service.DataDirectory));
        foreach (var file in new[] { "lava.db", ServiceHost.AdminTokenFile })
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(service.DataDirectory, file)));
        }
        var token = File.ReadAllBytes(Path.Combine(service.DataDirectory, ServiceHost.AdminTokenFile));
        Assert.True(token.All(b => b is >= 0x20 and < 0x7f or (byte)'\n'), "admin.token is not plain ASCII (a byte-order mark?)");
        Assert.StartsWith("lava_", System.Text.Encoding.ASCII.GetString(token));
    }

    [Fact]
    public async Task The_device_seconds_quota_stops_a_running_job()
    {
        var name = $"ds-{Guid.NewGuid():N}"[..16];
        using var user = new ServiceFixture.Client(service.Address, service.Users.Add(new UserAccount(name, false, MaxDeviceSeconds: 2)));
        var package = await user.UploadSourceAsync(service.DataDirectory, "spin.cl", Spin);
        var job = await user.WaitAsync((await user.Jobs.SubmitJobAsync(Job(package, "spin", "", ("x", "zeros:4")), user.Call())).Id);
        Assert.Equal("failed", job.State);
        Assert.Contains("device-seconds quota", job.Error);
        var again = await Assert.ThrowsAsync<RpcException>(async () => await user.Jobs.SubmitJobAsync(Job(package, "spin", "", ("x", "zeros:4")), user.Call()));
        Assert.Equal(StatusCode.ResourceExhausted, again.StatusCode);
    }

    [Fact]
    public async Task A_submit_larger_than_kestrels_default_is_served_and_one_beyond_the_limit_is_refused_clearly()
    {
        using var user = service.NewUser("big");
        var package = await user.UploadSourceAsync(service.DataDirectory, "saxpy.cl", Saxpy);
        SubmitJobRequest Sized(int floats)
        {
            var request = Job(package, "saxpy", "", ("a", "2"), ("y", "ones:64"));
            request.Arguments.Add(new JobArgument { Name = "x", Npy = ByteString.CopyFrom(NpyArray.FromArray(new float[floats]).Encode()) });
            return request;
        }
        var accepted = await user.Jobs.SubmitJobAsync(Sized(10_000_000), user.Call()); // 40 MB
        Assert.False(string.IsNullOrEmpty(accepted.Id));
        var refused = await Assert.ThrowsAsync<RpcException>(async () => await user.Jobs.SubmitJobAsync(Sized(20_000_000), user.Call())); // 80 MB
        Assert.Equal(StatusCode.ResourceExhausted, refused.StatusCode);
        try
        {
            await user.Jobs.CancelJobAsync(new GetJobRequest { Id = accepted.Id }, user.Call()); // not needed any more
        }
        catch (RpcException e) when (e.StatusCode == StatusCode.FailedPrecondition)
        {
            // it ended already: nothing to cancel
        }
    }
}
