using System.Diagnostics;
using System.Text.Json;

namespace LavaAccel.Tests.Service;

/// <summary>
/// A controller and two compute nodes, each in its own network namespace (veth pairs, own
/// addresses), joined over mutual TLS: jobs land on the node that offers their target, a node with
/// a certificate from another CA is refused, and killing the node running a job makes the job
/// finish on the other one. Needs root and iproute2 (CI has both).
/// </summary>
public sealed class MultiNodeTests : IDisposable
{
    private readonly string _suffix = Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(3));
    private readonly List<string> _namespaces = [];
    private readonly LavaProcesses _processes = new();
    private readonly TempLavaHome _home = new();

    private string Ns(string role) => $"lv{_suffix}{role}";

    [Fact]
    public async Task Jobs_land_on_the_right_node_and_survive_a_dead_node()
    {
        if (!Environment.IsPrivilegedProcess || !File.Exists("/usr/sbin/ip") && !File.Exists("/sbin/ip") && !File.Exists("/usr/bin/ip"))
        {
            return; // network namespaces need root and iproute2; CI runs this as root
        }
        // Controller ns "c" reaches node "a" at 10.231.1.0/24 and node "b" at 10.231.2.0/24.
        foreach (var role in new[] { "c", "a", "b" })
        {
            Ip("netns", "add", Ns(role));
            _namespaces.Add(Ns(role));
            Ip("-n", Ns(role), "link", "set", "lo", "up");
        }
        foreach (var (node, subnet) in new[] { ("a", 1), ("b", 2) })
        {
            var (inner, outer) = ($"lv{_suffix}{node}0", $"lv{_suffix}{node}1");
            Ip("link", "add", inner, "type", "veth", "peer", "name", outer);
            Ip("link", "set", inner, "netns", Ns("c"));
            Ip("link", "set", outer, "netns", Ns(node));
            Ip("-n", Ns("c"), "addr", "add", $"10.231.{subnet}.1/24", "dev", inner);
            Ip("-n", Ns(node), "addr", "add", $"10.231.{subnet}.2/24", "dev", outer);
            Ip("-n", Ns("c"), "link", "set", inner, "up");
            Ip("-n", Ns(node), "link", "set", outer, "up");
        }
        var data = Path.Combine(_home.Path, "controller");
        var certs = Path.Combine(data, "certs");
        Assert.Equal(0, Lava(null, "c", "certs", "init", "--data", data, "--hosts", "10.231.1.1,10.231.2.1", "--nodes", "alpha,beta,mallory").ExitCode);
        // mallory's certificate comes from another CA: it must not get in.
        var rogue = Path.Combine(_home.Path, "rogue");
        Assert.Equal(0, Lava(null, "c", "certs", "init", "--data", rogue, "--nodes", "mallory").ExitCode);
        File.Copy(Path.Combine(rogue, "certs", "node-mallory.crt"), Path.Combine(certs, "node-mallory.crt"), overwrite: true);
        File.Copy(Path.Combine(rogue, "certs", "node-mallory.key"), Path.Combine(certs, "node-mallory.key"), overwrite: true);

        Start("c", "controller", "serve", "--roles", "controller,access", "--listen", "http://127.0.0.1:7900", "--node-listen", "https://0.0.0.0:7903", "--data", data, "--node-dead-after", "3");
        var alpha = Start("a", "alpha", "node", "--controller", "https://10.231.1.1:7903", "--name", "alpha", "--certs", certs, "--targets", "cpu/x86_64/x86-64-v2,opencl/spir", "--pool", "1", "--workers", "1");
        var beta = Start("b", "beta", "node", "--controller", "https://10.231.2.1:7903", "--name", "beta", "--certs", certs, "--targets", "cpu/x86_64/x86-64-v2,cpu/x86_64/x86-64-v3", "--pool", "1", "--workers", "1");
        Start("b", "mallory", "node", "--controller", "https://10.231.2.1:7903", "--name", "mallory", "--certs", certs, "--pool", "0");

        var saxpy = LavaCli.RepoFile("kernels/saxpy.cl");
        await WaitAsync(() => Devices().Count(d => d.StartsWith("alpha/", StringComparison.Ordinal) || d.StartsWith("beta/", StringComparison.Ordinal)) >= 2, "both nodes registered");

        // Precompiled on the controller: beta fetches the variant instead of compiling it.
        Assert.Equal(0, Lava(Token(), "c", "compile", saxpy, "--targets", "cpu/x86_64/x86-64-v3").ExitCode);
        // Only beta offers x86-64-v3; both offer v2 but a v3 job can only go to beta.
        var v3 = Submit(saxpy, "saxpy", ["--global", "4096", "--arg", "a=2", "--arg", "x=range:4096", "--arg", "y=ones:4096", "--target", "cpu/x86_64/x86-64-v3", "--wait"]);
        Assert.Equal("succeeded", v3.GetProperty("state").GetString());
        Assert.Equal("beta", v3.GetProperty("node").GetString());
        Assert.DoesNotContain(Devices(), d => d.StartsWith("mallory/", StringComparison.Ordinal));
        Assert.Contains("fetched from the controller", File.ReadAllText(Path.Combine(_home.Path, "beta.log")));
        // The controller placed it: the device and the explanation say where and why.
        Assert.StartsWith("beta/", v3.GetProperty("device").GetString());
        Assert.Equal("beta", v3.GetProperty("placement").GetProperty("chosen").GetProperty("node").GetString());

        // Only alpha offers PoCL; nobody offers a GPU: such a job is refused at once, naming what is missing,
        // unless it is to be queued — then it waits, saying why.
        var spir = Submit(saxpy, "saxpy", ["--global", "1024", "--arg", "a=2", "--arg", "x=range:1024", "--arg", "y=ones:1024", "--target", "opencl/spir", "--wait"]);
        Assert.Equal("succeeded", spir.GetProperty("state").GetString());
        Assert.Equal("alpha", spir.GetProperty("node").GetString());
        var refused = Lava(Token(), "c", "submit", saxpy, "--kernel", "saxpy", "--global", "16", "--arg", "a=2", "--arg", "x=range:16", "--arg", "y=ones:16", "--target", "nvptx/sm_90");
        Assert.NotEqual(0, refused.ExitCode);
        Assert.Contains("no live node offers target nvptx/sm_90", refused.Stderr);
        var parked = Submit(saxpy, "saxpy", ["--global", "16", "--arg", "a=2", "--arg", "x=range:16", "--arg", "y=ones:16", "--require", "gpu", "--queue-unplaceable"]);
        var parkedId = parked.GetProperty("job_id").GetString()!;
        await WaitAsync(() => Job(parkedId)?.TryGetProperty("reason", out var r) == true && r.GetString()?.StartsWith("Unplaceable: no live node has a gpu device", StringComparison.Ordinal) == true, "the GPU job's reason");
        Assert.Contains("queued (Unplaceable)", Lava(Token(), "c", "jobs").Stdout);
        Assert.Equal(0, Lava(Token(), "c", "cancel", parkedId).ExitCode);

        // A job waiting for beta's only worker says so.
        var spin = Path.Combine(_home.Path, "spin.cl");
        // Spins until cancelled (or its 90 s limit): the next job must find beta busy however fast the machine.
        File.WriteAllText(spin, "__kernel void spin(__global volatile int* x) { while (x[0] == 0) { x[1] = x[1] + 1; } }");
        var busy = Submit(spin, "spin", ["--global", "1", "--arg", "x=zeros:2", "--target", "cpu/x86_64/x86-64-v3", "--time-limit", "90"]).GetProperty("job_id").GetString()!;
        await WaitAsync(() => Job(busy)?.GetProperty("state").GetString() == "running", "beta busy");
        var next = Submit(saxpy, "saxpy", ["--global", "16", "--arg", "a=2", "--arg", "x=range:16", "--arg", "y=ones:16", "--target", "cpu/x86_64/x86-64-v3"]).GetProperty("job_id").GetString()!;
        await WaitAsync(() => Job(next)?.TryGetProperty("reason", out var r) == true && r.GetString()?.StartsWith("Resources: the 1 worker(s) of node beta are busy", StringComparison.Ordinal) == true, $"the waiting job's reason ({Job(next)}; the busy one: {Job(busy)})");
        Assert.Equal(0, Lava(Token(), "c", "cancel", busy).ExitCode);
        await WaitAsync(() => Job(next)?.GetProperty("state").GetString() == "succeeded", "the waiting job running once beta is free");

        // A job both nodes can run: see where it lands, kill that node mid-job; it must finish on the other.
        var slow = Path.Combine(_home.Path, "slow.cl");
        File.WriteAllText(slow, "__kernel void slow(__global float* y, int n) { float acc = 0; for (int i = 0; i < n; i++) acc = acc * 0.999f + 1.0f; y[get_global_id(0)] = acc; }");
        var submitted = Submit(slow, "slow", ["--global", "1", "--arg", "y=zeros:1", "--arg", "n=2000000000", "--target", "cpu/x86_64/x86-64-v2", "--time-limit", "60"]);
        var id = submitted.GetProperty("job_id").GetString()!;
        string runningOn = "";
        await WaitAsync(() => (runningOn = Job(id) is { } j && j.GetProperty("state").GetString() == "running" ? j.GetProperty("node").GetString()! : "") != "", "the slow job running");
        var victim = runningOn == "alpha" ? alpha : beta;
        victim.Kill(); // SIGKILL: no goodbye
        await WaitAsync(() => Job(id)?.GetProperty("state").GetString() is "succeeded" or "failed", "the slow job finishing elsewhere", TimeSpan.FromMinutes(2));
        var done = Job(id)!.Value;
        Assert.Equal("succeeded", done.GetProperty("state").GetString());
        Assert.NotEqual(runningOn, done.GetProperty("node").GetString());
        Assert.Equal(2, done.GetProperty("attempts").GetInt32());
    }

    private static Task WaitAsync(Func<bool> condition, string what, TimeSpan? limit = null) => LavaProcesses.WaitAsync(condition, what, limit);

    private List<string> Devices()
    {
        var result = Lava(Token(), "c", "--json", "devices");
        return result.ExitCode == 0 ? [.. JsonDocument.Parse(result.Stdout).RootElement.EnumerateArray().Select(d => d.GetProperty("id").GetString()!)] : [];
    }

    private JsonElement? Job(string id)
    {
        var result = Lava(Token(), "c", "--json", "job", id);
        return result.ExitCode == 0 ? JsonDocument.Parse(result.Stdout).RootElement.Clone() : null;
    }

    private JsonElement Submit(string package, string kernel, string[] args)
    {
        var result = Lava(Token(), "c", ["--json", "submit", package, "--kernel", kernel, .. args]);
        Assert.True(result.ExitCode == 0, result.ToString());
        return JsonDocument.Parse(result.Stdout).RootElement.Clone();
    }

    private string? Token()
    {
        var path = Path.Combine(_home.Path, "controller", "admin.token");
        return File.Exists(path) ? File.ReadAllText(path).Trim() : null;
    }

    private LavaCli.Result Lava(string? token, string ns, params string[] args)
    {
        var start = InNamespace(ns, _home.Path, args);
        start.Environment["LAVA_SERVER"] = "http://127.0.0.1:7900";
        if (token is not null)
        {
            start.Environment["LAVA_TOKEN"] = token;
        }
        using var process = Process.Start(start)!;
        var stderr = process.StandardError.ReadToEndAsync();
        var stdout = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        return new LavaCli.Result(process.ExitCode, stdout, stderr.Result);
    }

    private Process Start(string ns, string name, params string[] args)
    {
        var home = Directory.CreateDirectory(Path.Combine(_home.Path, "home-" + name)).FullName;
        var start = InNamespace(ns, home, args);
        return _processes.Start(start, Path.Combine(_home.Path, name + ".log"));
    }

    private ProcessStartInfo InNamespace(string ns, string home, string[] args)
    {
        var inner = LavaCli.StartInfo(home, null, args);
        // nsenter switches only the network namespace; `ip netns exec` would also remount /sys
        // and hide the cgroup hierarchy the nodes' containers need.
        var start = new ProcessStartInfo("nsenter") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false, WorkingDirectory = home };
        foreach (var arg in new[] { $"--net=/run/netns/{Ns(ns)}", "--", inner.FileName }.Concat(inner.ArgumentList))
        {
            start.ArgumentList.Add(arg);
        }
        foreach (var (key, value) in inner.Environment)
        {
            start.Environment[key] = value;
        }
        return start;
    }

    private static void Ip(params string[] args)
    {
        var start = new ProcessStartInfo("ip") { RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }
        using var process = Process.Start(start)!;
        var error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, $"ip {string.Join(' ', args)}: {error}");
    }

    public void Dispose()
    {
        _processes.Dispose();
        foreach (var ns in _namespaces)
        {
            try
            {
                Ip("netns", "delete", ns); // takes its veth ends with it
            }
            catch (Xunit.Sdk.XunitException)
            {
                // best effort
            }
        }
        _home.Dispose();
    }
}
