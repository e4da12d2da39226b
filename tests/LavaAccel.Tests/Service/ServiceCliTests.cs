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
        var cancelled = Lava(token, "cancel", id);
        Assert.NotEqual(0, cancelled.ExitCode); // already over: an error naming the state
        Assert.Contains($"job {id} already ended succeeded", cancelled.Stderr);
    }

    [Fact]
    public void Submit_now_collect_later_with_the_log_iso_times_and_plain_tables_in_pipes()
    {
        var token = service.Users.Add(new LavaAccel.Service.Storage.UserAccount($"cli-{Guid.NewGuid():N}"[..16], false));
        var source = Path.Combine(_home.Path, "hello.cl");
        File.WriteAllText(source, "__kernel void hello(__global float* y) { size_t i = get_global_id(0); printf(\"hello from %d\\n\", (int)i); y[i] = 2 * i; }");
        // --out without --wait would be ignored: refused, naming the way to collect later.
        var refused = Lava(token, "submit", source, "--kernel", "hello", "--global", "2", "--arg", "y=zeros:2", "--out", "y=y.npy");
        Assert.NotEqual(0, refused.ExitCode);
        Assert.Contains("lava outputs JOB", refused.Stderr);
        // With --wait and --json, the id comes at once on stderr; stdout stays one JSON document.
        var waited = Lava(token, "--json", "submit", source, "--kernel", "hello", "--global", "2", "--arg", "y=zeros:2", "--wait");
        Assert.True(waited.ExitCode == 0, waited.ToString());
        var id = JsonDocument.Parse(waited.Stdout).RootElement.GetProperty("job_id").GetString()!;
        Assert.Contains($"submitted {id}", waited.Stderr);
        var created = JsonDocument.Parse(waited.Stdout).RootElement.GetProperty("created").GetString()!;
        Assert.Matches(@"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$", created);

        var directory = Path.Combine(_home.Path, "outs");
        var all = Lava(token, "outputs", id, "--all", directory);
        Assert.True(all.ExitCode == 0, all.ToString());
        Assert.Equal([0f, 2f], (float[])NpyArray.Load(Path.Combine(directory, "y.npy")).ToArray());
        var one = Path.Combine(_home.Path, "one.npy");
        Assert.Equal(0, Lava(token, "outputs", id, "--out", $"y={one}").ExitCode);
        Assert.Equal([0f, 2f], (float[])NpyArray.Load(one).ToArray());
        Assert.Contains("wrote no buffer 'z'", Lava(token, "outputs", id, "--out", "z=z.npy").Stderr);

        var log = Lava(token, "job", id, "--log");
        Assert.Contains("hello from 0", log.Stdout);
        Assert.Contains("hello from 1", log.Stdout);

        // Piped, tables are plain columns: one line per row, no trailing spaces, no frame.
        var listed = Lava(token, "jobs");
        var lines = listed.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.StartsWith("job ", lines[0]);
        Assert.Contains(lines, l => l.StartsWith(id, StringComparison.Ordinal) && l.Contains("succeeded", StringComparison.Ordinal) && l.Contains("hello", StringComparison.Ordinal));
        Assert.All(lines, l => Assert.Equal(l.TrimEnd(), l));
        Assert.DoesNotContain("─", listed.Stdout);
    }
}
