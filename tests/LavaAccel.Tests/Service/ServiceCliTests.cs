using System.Text.Json;
using LavaAccel.Execution;

namespace LavaAccel.Tests.Service;

/// <summary>The service's command-line contract (CLI.md): submit, jobs, job, cancel, usage, devices against a running service.</summary>
public sealed class ServiceCliTests(ServiceFixture service) : IClassFixture<ServiceFixture>, IDisposable
{
    private readonly TempLavaHome _home = new();

    public void Dispose() => _home.Dispose();

    private LavaCli.Result Lava(string token, params string[] args) =>
        LavaCli.RunWith(_home.Path, new Dictionary<string, string> { ["LAVA_SERVER"] = service.Address, ["LAVA_TOKEN"] = token }, args);

    [Fact]
    public void Submit_wait_out_then_jobs_job_usage_and_cancel()
    {
        var token = service.Users.Add(new LavaAccel.Service.Storage.UserAccount($"cli-{Guid.NewGuid():N}"[..16], false));
        var output = Path.Combine(_home.Path, "y.npy");
        var submitted = Lava(token, "--json", "submit", LavaCli.RepoFile("kernels/saxpy.cl"), "--kernel", "saxpy", "--global", "256",
            "--arg", "a=3", "--arg", "x=range:256", "--arg", "y=ones:256", "--wait", "--out", $"y={output}");
        Assert.True(submitted.ExitCode == 0, submitted.ToString());
        using var job = JsonDocument.Parse(submitted.Stdout);
        var id = job.RootElement.GetProperty("job_id").GetString()!;
        Assert.Equal("succeeded", job.RootElement.GetProperty("state").GetString());
        Assert.Equal(Enumerable.Range(0, 256).Select(i => 3f * i + 1), (float[])NpyArray.Load(output).ToArray());

        var listed = Lava(token, "--json", "jobs");
        Assert.True(listed.ExitCode == 0, listed.ToString());
        Assert.Contains(JsonDocument.Parse(listed.Stdout).RootElement.EnumerateArray(), j => j.GetProperty("job_id").GetString() == id);
        var shown = Lava(token, "--json", "job", id);
        Assert.Equal("succeeded", JsonDocument.Parse(shown.Stdout).RootElement.GetProperty("state").GetString());
        var usage = Lava(token, "--json", "usage");
        Assert.Equal(1, JsonDocument.Parse(usage.Stdout).RootElement.GetProperty("succeeded").GetInt64());
        var devices = Lava(token, "--json", "devices");
        Assert.Contains(JsonDocument.Parse(devices.Stdout).RootElement.EnumerateArray(), d => d.GetProperty("kind").GetString() == "cpu");

        // Errors are one line naming the problem, with a non-zero exit.
        var missing = Lava(token, "job", "j-0000000000000000");
        Assert.NotEqual(0, missing.ExitCode);
        Assert.StartsWith("error: no job j-0000000000000000", missing.Stderr.Trim());
        var wrongToken = Lava("lava_wrong", "jobs");
        Assert.NotEqual(0, wrongToken.ExitCode);
        Assert.Contains("Unauthenticated", wrongToken.Stderr);
        var cancelled = Lava(token, "--json", "cancel", id);
        Assert.Equal("succeeded", JsonDocument.Parse(cancelled.Stdout).RootElement.GetProperty("state").GetString()); // already over: unchanged
    }
}
