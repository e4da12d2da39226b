using System.Diagnostics;
using System.Text.Json;

namespace LavaAccel.Tests.Service;

/// <summary>
/// <c>lava node</c> on SIGTERM drains: it claims nothing more, lets its running job finish, tells
/// the controller it leaves (so it is gone at once, not after missed heartbeats) and exits 0.
/// </summary>
public sealed class NodeDrainTests : IDisposable
{
    private readonly TempLavaHome _home = new();
    private readonly LavaProcesses _processes = new();
    private readonly int _port = ServiceFixture.FreePort();

    [Fact]
    public async Task A_terminated_node_finishes_its_job_says_goodbye_and_exits_0()
    {
        var data = Path.Combine(_home.Path, "controller");
        Assert.Equal(0, Lava("certs", "init", "--data", data, "--hosts", "127.0.0.1", "--nodes", "alpha").ExitCode);
        var nodePort = ServiceFixture.FreePort();
        Start("serve.log", "serve", "--roles", "controller,access", "--listen", $"http://127.0.0.1:{_port}", "--metrics-listen", $"http://127.0.0.1:{ServiceFixture.FreePort()}",
            "--node-listen", $"https://127.0.0.1:{nodePort}", "--data", data, "--node-dead-after", "60");
        var node = Start("node.log", "node", "--controller", $"https://127.0.0.1:{nodePort}", "--name", "alpha", "--certs", Path.Combine(data, "certs"),
            "--targets", "cpu/x86_64/x86-64-v2", "--workers", "1", "--pool", "1");
        await WaitAsync(() => Devices().Any(d => d.StartsWith("alpha/", StringComparison.Ordinal)), "alpha registered");

        var slow = Path.Combine(_home.Path, "slow.cl");
        File.WriteAllText(slow, "__kernel void slow(__global float* y, int n) { float acc = 0; for (int i = 0; i < n; i++) acc = acc * 0.999f + 1.0f; y[get_global_id(0)] = acc; }");
        var submitted = Lava("--json", "submit", slow, "--kernel", "slow", "--global", "1", "--arg", "y=zeros:1", "--arg", "n=1500000000", "--time-limit", "120");
        Assert.True(submitted.ExitCode == 0, submitted.ToString());
        var id = JsonDocument.Parse(submitted.Stdout).RootElement.GetProperty("job_id").GetString()!;
        await WaitAsync(() => State(id) == "running", "the job running on alpha");

        using (var kill = Process.Start("kill", ["-TERM", node.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
        {
            await kill.WaitForExitAsync();
        }
        Assert.True(node.WaitForExit(TimeSpan.FromSeconds(90)), "the node did not end after SIGTERM");
        Assert.Equal(0, node.ExitCode);
        Assert.Equal("succeeded", State(id)); // finished, not handed back
        var log = File.ReadAllText(Path.Combine(_home.Path, "node.log"));
        Assert.Contains("draining", log);
        Assert.Contains("left", log);
        // Gone at once, not 60 s of missed heartbeats later.
        Assert.DoesNotContain(Devices(), d => d.StartsWith("alpha/", StringComparison.Ordinal));
    }

    private string? State(string id)
    {
        var result = Lava("--json", "job", id);
        return result.ExitCode == 0 ? JsonDocument.Parse(result.Stdout).RootElement.GetProperty("state").GetString() : null;
    }

    private List<string> Devices()
    {
        var result = Lava("--json", "devices");
        return result.ExitCode == 0 ? [.. JsonDocument.Parse(result.Stdout).RootElement.EnumerateArray().Select(d => d.GetProperty("id").GetString()!)] : [];
    }

    private LavaCli.Result Lava(params string[] args)
    {
        var environment = new Dictionary<string, string> { ["LAVA_SERVER"] = $"http://127.0.0.1:{_port}" };
        var token = Path.Combine(_home.Path, "controller", "admin.token");
        if (File.Exists(token))
        {
            environment["LAVA_TOKEN"] = File.ReadAllText(token).Trim();
        }
        return LavaCli.RunWith(_home.Path, environment, args);
    }

    private Process Start(string logName, params string[] args) =>
        _processes.Start(LavaCli.StartInfo(_home.Path, null, args), Path.Combine(_home.Path, logName));

    private static Task WaitAsync(Func<bool> condition, string what) => LavaProcesses.WaitAsync(condition, what);

    public void Dispose()
    {
        _processes.Dispose();
        _home.Dispose();
    }
}
