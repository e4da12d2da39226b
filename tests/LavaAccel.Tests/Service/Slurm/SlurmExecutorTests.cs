using System.Diagnostics;
using System.Text.Json;
using LavaAccel.Execution;

namespace LavaAccel.Tests.Service.Slurm;

/// <summary>
/// <c>lava serve --executor slurm</c> against a real Slurm cluster started by the tests
/// (<see cref="SlurmCluster"/>: slurmctld and two slurmd): the cluster's nodes, GRES and features
/// become lava devices; in job mode every lava job is one Slurm job with correct outputs, a job
/// asking for the GPU only n1 has lands on n1, and cancel is scancel; in pilot mode a pilot
/// started with sbatch joins over mutual TLS, runs the jobs and ends when idle.
/// </summary>
public sealed class SlurmExecutorTests(SlurmCluster cluster) : IClassFixture<SlurmCluster>, IDisposable
{
    private readonly TempLavaHome _home = new();
    private readonly LavaProcesses _processes = new();
    private readonly int _port = LavaAccel.Tests.Service.ServiceFixture.FreePort();

    [Fact]
    public async Task Job_mode_runs_each_job_as_a_slurm_job_on_the_node_it_was_placed()
    {
        if (cluster.Unsupported)
        {
            return; // not root or no Slurm packages (SlurmCluster.Why); CI has both
        }
        Assert.True(cluster.Available, cluster.Why);
        var data = Path.Combine(_home.Path, "controller");
        Serve(data, "--executor", "slurm", "--slurm-mode", "job");
        await WaitAsync(() => Devices().Count >= 3, "the Slurm nodes as devices");
        var devices = Devices();
        Assert.Contains("n1/gpu-h100", devices.Keys);
        Assert.Equal("gpu", devices["n1/gpu-h100"].GetProperty("kind").GetString());
        Assert.Contains("cpu/x86_64/x86-64-v4", devices["n1/cpu"].GetProperty("targets").EnumerateArray().Select(t => t.GetString()));
        Assert.DoesNotContain("cpu/x86_64/x86-64-v4", devices["n2/cpu"].GetProperty("targets").EnumerateArray().Select(t => t.GetString()));

        // Precompiling every target is one Slurm job array, a task per target, into the controller's cache.
        var saxpy = LavaCli.RepoFile("kernels/saxpy.cl");
        var compiled = Lava("--json", "compile", saxpy, "--targets", "all");
        Assert.True(compiled.ExitCode == 0, compiled.ToString());
        var variants = JsonDocument.Parse(compiled.Stdout).RootElement.GetProperty("variants").EnumerateArray().ToList();
        Assert.All(variants, v => Assert.True(v.GetProperty("digest").ValueKind == JsonValueKind.String, v.ToString()));
        var tasks = cluster.Command("squeue", "-h", "-t", "all", "-n", "lava-compile", "-o", "%i|%T").Output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(variants.Count, tasks.Length);
        Assert.All(tasks, t => Assert.EndsWith("|COMPLETED", t));

        // Correct outputs from a Slurm job; the v4 tier only n1's features promise.
        var output = Path.Combine(_home.Path, "y.npy");
        var v4 = Submit(saxpy, "saxpy", "--global", "512", "--arg", "a=3", "--arg", "x=range:512", "--arg", "y=ones:512", "--target", "cpu/x86_64/x86-64-v4", "--wait", "--out", $"y={output}");
        Assert.Equal("succeeded", v4.GetProperty("state").GetString());
        Assert.Equal("n1", v4.GetProperty("node").GetString());
        Assert.Equal(Enumerable.Range(0, 512).Select(i => 3f * i + 1), (float[])NpyArray.Load(output).ToArray());
        Assert.Contains("lava-" + v4.GetProperty("job_id").GetString(), cluster.Command("squeue", "-h", "-t", "all", "-o", "%j").Output);

        // The GPU GRES only n1 has: the job is sent there with --gres gpu:h100:1 (no GPU in this
        // machine, so it fails there, saying so — but on n1, through Slurm).
        var gpu = JsonDocument.Parse(Lava("--json", "submit", saxpy, "--kernel", "saxpy", "--global", "64", "--arg", "a=3", "--arg", "x=range:64", "--arg", "y=ones:64", "--target", "nvptx/sm_90", "--wait").Stdout).RootElement;
        Assert.Equal("n1", gpu.GetProperty("node").GetString());
        Assert.Equal("n1/gpu-h100", gpu.GetProperty("device").GetString());
        Assert.DoesNotContain("submitting to Slurm failed", gpu.GetProperty("error").GetString() ?? "");

        // lava cancel → scancel.
        var spin = Path.Combine(_home.Path, "spin.cl");
        File.WriteAllText(spin, "__kernel void spin(__global float* y, int n) { float acc = 0; for (int i = 0; i < n; i++) acc = acc * 0.999f + 1.0f; y[get_global_id(0)] = acc; }");
        var id = Submit(spin, "spin", "--global", "1", "--arg", "y=zeros:1", "--arg", "n=2000000000", "--time-limit", "120").GetProperty("job_id").GetString()!;
        await WaitAsync(() => Job(id)?.GetProperty("state").GetString() == "running", "the spinning job running");
        await WaitAsync(() => cluster.Command("squeue", "-h", "-n", "lava-" + id, "-o", "%T").Output.Contains("RUNNING", StringComparison.Ordinal), "its Slurm job running");
        Assert.Equal(0, Lava("cancel", id).ExitCode);
        await WaitAsync(() => Job(id)?.GetProperty("state").GetString() == "cancelled", "the job cancelled", TimeSpan.FromSeconds(90));
        await WaitAsync(() => cluster.Command("squeue", "-h", "-t", "all", "-n", "lava-" + id, "-o", "%T").Output.Contains("CANCELLED", StringComparison.Ordinal), "its Slurm job cancelled");
    }

    [Fact]
    public async Task Pilot_mode_starts_a_pilot_on_the_node_with_the_feature_runs_jobs_on_it_and_ends_it_when_idle()
    {
        if (cluster.Unsupported)
        {
            return;
        }
        Assert.True(cluster.Available, cluster.Why);
        var data = Path.Combine(_home.Path, "controller");
        Assert.Equal(0, Lava("certs", "init", "--data", data, "--hosts", "127.0.0.1").ExitCode);
        var nodePort = LavaAccel.Tests.Service.ServiceFixture.FreePort();
        Serve(data, "--executor", "slurm", "--node-listen", $"https://127.0.0.1:{nodePort}", "--pilot-idle", "4", "--pilots-max", "2");
        await WaitAsync(() => Devices().Count >= 3, "the Slurm nodes as devices");

        // No pilot runs yet: the job is not refused (Slurm can start one), it waits for a pilot.
        var saxpy = LavaCli.RepoFile("kernels/saxpy.cl");
        var output = Path.Combine(_home.Path, "y.npy");
        var first = Submit(saxpy, "saxpy", "--global", "256", "--arg", "a=2", "--arg", "x=range:256", "--arg", "y=ones:256", "--target", "cpu/x86_64/x86-64-v4", "--wait", "--out", $"y={output}");
        Assert.Equal("succeeded", first.GetProperty("state").GetString());
        Assert.StartsWith("pilot-", first.GetProperty("node").GetString());
        Assert.Equal(Enumerable.Range(0, 256).Select(i => 2f * i + 1), (float[])NpyArray.Load(output).ToArray());
        // The pilot asked Slurm for the v4 feature, which only n1 has.
        var pilots = cluster.Command("squeue", "-h", "-t", "all", "-n", "lava-pilot", "-o", "%N|%T").Output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Contains(pilots, p => p.StartsWith("n1|", StringComparison.Ordinal));

        // A second job runs on the warm pilot.
        var second = Submit(saxpy, "saxpy", "--global", "256", "--arg", "a=2", "--arg", "x=range:256", "--arg", "y=ones:256", "--target", "cpu/x86_64/x86-64-v4", "--wait");
        Assert.Equal(first.GetProperty("node").GetString(), second.GetProperty("node").GetString());

        // Idle for 4 s, the pilot ends and its Slurm job completes.
        await WaitAsync(() => cluster.Command("squeue", "-h", "-t", "all", "-n", "lava-pilot", "-o", "%T").Output.Split('\n', StringSplitOptions.RemoveEmptyEntries).All(s => s == "COMPLETED"), "the idle pilot ending", TimeSpan.FromSeconds(60));
    }

    private Dictionary<string, JsonElement> Devices()
    {
        var result = Lava("--json", "devices");
        return result.ExitCode == 0
            ? JsonDocument.Parse(result.Stdout).RootElement.EnumerateArray().ToDictionary(d => d.GetProperty("id").GetString()!, d => d.Clone())
            : [];
    }

    private JsonElement? Job(string id)
    {
        var result = Lava("--json", "job", id);
        return result.ExitCode == 0 ? JsonDocument.Parse(result.Stdout).RootElement.Clone() : null;
    }

    private JsonElement Submit(string package, string kernel, params string[] args)
    {
        var result = Lava(["--json", "submit", package, "--kernel", kernel, .. args]);
        Assert.True(result.ExitCode == 0, result.ToString() + Logs());
        return JsonDocument.Parse(result.Stdout).RootElement.Clone();
    }

    private string Logs() => "\nserve log:\n" + LavaProcesses.Read(Path.Combine(_home.Path, "serve.log"));

    private LavaCli.Result Lava(params string[] args)
    {
        var environment = new Dictionary<string, string> { ["SLURM_CONF"] = cluster.Conf, ["LAVA_SERVER"] = $"http://127.0.0.1:{_port}" };
        var token = Path.Combine(_home.Path, "controller", "admin.token");
        if (File.Exists(token))
        {
            environment["LAVA_TOKEN"] = File.ReadAllText(token).Trim();
        }
        return LavaCli.RunWith(_home.Path, environment, args);
    }

    private void Serve(string data, params string[] args)
    {
        var start = LavaCli.StartInfo(_home.Path, new Dictionary<string, string> { ["SLURM_CONF"] = cluster.Conf },
            ["serve", "--listen", $"http://127.0.0.1:{_port}", "--metrics-listen", $"http://127.0.0.1:{LavaAccel.Tests.Service.ServiceFixture.FreePort()}", "--data", data, .. args]);
        _processes.Start(start, Path.Combine(_home.Path, "serve.log"));
    }

    private Task WaitAsync(Func<bool> condition, string what, TimeSpan? limit = null) => LavaProcesses.WaitAsync(condition, what, limit, Logs);

    public void Dispose()
    {
        _processes.Dispose();
        cluster.Command("scancel", "-p", "lava");
        _home.Dispose();
    }
}
