using System.Text.Json;

namespace LavaAccel.Tests.Security;

/// <summary>
/// Every runtime runs its kernels in a worker inside the job's sandbox, never in lava's process:
/// OpenCL (PoCL) and C# (ILGPU) jobs report a real sandbox, a crash or an endless kernel on them is
/// one error line, the time limit holds, and the next job runs.
/// </summary>
public sealed class DeviceRuntimeSandboxTests(KernelWorkspace workspace) : IClassFixture<KernelWorkspace>, IDisposable
{
    private readonly TempLavaHome _home = new();

    public void Dispose() => _home.Dispose();

    private static readonly string Saxpy = LavaCli.RepoFile("kernels/saxpy.cl");

    private static string ExpectedSandbox => Environment.IsPrivilegedProcess && LavaAccel.Sandbox.HostTools.Runc is not null ? "oci" : "bwrap";

    public static TheoryData<string, string, string> Runtimes()
    {
        var data = new TheoryData<string, string, string>();
        if (RunnableTargets.OpenCl.Count > 0)
        {
            data.Add("opencl/spir", "opencl", "device");
        }
        data.Add("ilgpu/cpu", "ilgpu-cpu", "native");
        data.Add("cpu/x86_64/x86-64-v2", "native-x86_64", "native");
        return data;
    }

    [Theory]
    [MemberData(nameof(Runtimes))]
    public void Every_runtime_reports_a_real_sandbox(string target, string worker, string execution)
    {
        var input = target.StartsWith("ilgpu/", StringComparison.Ordinal) ? LavaCli.RepoFile("kernels/csharp/Saxpy.cs") : Saxpy;
        var result = LavaCli.Run(_home.Path, "run", input, "--kernel", "saxpy", "--global", "256", "--arg", "a=2", "--arg", "x=ones:256", "--arg", "y=ones:256", "--target", target, "--json");
        Assert.True(result.ExitCode == 0, result.ToString());
        using var json = JsonDocument.Parse(result.Stdout);
        Assert.Equal(ExpectedSandbox, json.RootElement.GetProperty("sandbox").GetString());
        Assert.Equal(worker, json.RootElement.GetProperty("worker").GetString());
        Assert.Equal(execution, json.RootElement.GetProperty("execution").GetString());
        Assert.NotEqual("process", json.RootElement.GetProperty("usage").GetProperty("source").GetString());
    }

    [Fact]
    public void An_opencl_kernel_that_crashes_or_spins_is_one_error_and_the_next_runs()
    {
        if (RunnableTargets.OpenCl.Count == 0)
        {
            return;
        }
        var oob = workspace.WriteFile("oob.cl", "__kernel void oob(__global int* x) { for (long i = 0; ; i += 4096) x[i] = 1; }");
        var crashed = LavaCli.Run(_home.Path, "run", oob, "--kernel", "oob", "--global", "1", "--arg", "x=zeros:16", "--target", "opencl/spir");
        Assert.Equal(1, crashed.ExitCode);
        Assert.Contains("crashed", crashed.Stderr);
        Assert.DoesNotContain("internal error", crashed.Stderr);

        var spin = workspace.WriteFile("spin.cl", "__kernel void spin(__global volatile int* x) { while (x[0] == 0) { x[1] = x[1] + 1; } }");
        var stopped = LavaCli.Run(_home.Path, "run", spin, "--kernel", "spin", "--global", "1", "--arg", "x=zeros:4", "--target", "opencl/spir", "--time-limit", "3");
        Assert.Equal(1, stopped.ExitCode);
        Assert.Contains("time limit of 3 s", stopped.Stderr);

        var next = LavaCli.Run(_home.Path, "run", Saxpy, "--kernel", "saxpy", "--global", "64", "--arg", "a=2", "--arg", "x=ones:64", "--arg", "y=ones:64", "--target", "opencl/spir");
        Assert.True(next.ExitCode == 0, next.ToString());
    }
}
