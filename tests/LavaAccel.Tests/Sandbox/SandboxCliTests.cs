using System.Text.Json;
using LavaAccel.Sandbox;

namespace LavaAccel.Tests.Sandbox;

/// <summary><c>lava run</c> isolates by default, reports the sandbox and usage, and enforces limits.</summary>
[Collection("sandbox")]
public sealed class SandboxCliTests : IDisposable
{
    private readonly TempLavaHome _home = new();

    public void Dispose() => _home.Dispose();

    private LavaCli.Result Saxpy(long n, params string[] extra) => LavaCli.Run(_home.Path,
        [
            "--json", "run", LavaCli.RepoFile("kernels/saxpy.cl"), "--kernel", "saxpy", "--global", $"{n}",
            "--arg", "a=2", "--arg", $"x=ones:{n}", "--arg", $"y=ones:{n}", "--target", "cpu/x86_64/x86-64-v2", .. extra,
        ]);

    [Fact]
    public void Default_run_is_isolated_and_reports_usage()
    {
        var result = Saxpy(4096);
        Assert.True(result.ExitCode == 0, result.ToString());
        using var json = JsonDocument.Parse(result.Stdout);
        var root = json.RootElement;
        Assert.Equal(SandboxKinds.Default().Name(), root.GetProperty("sandbox").GetString());
        Assert.NotEqual("none", root.GetProperty("sandbox").GetString());
        Assert.True(root.GetProperty("sandbox_start_ms").GetDouble() > 0);
        var usage = root.GetProperty("usage");
        Assert.Equal("completed", usage.GetProperty("exit").GetString());
        Assert.True(usage.GetProperty("peak_memory_bytes").GetInt64() > 2 * 4096 * 4);
        Assert.True(usage.GetProperty("wall_ms").GetDouble() > 0);
        // The same record is in the node's usage log.
        var log = new UsageLog(UsageLog.PathIn(_home.Path)).Read().ToArray();
        Assert.Equal(usage.GetProperty("job").GetString(), Assert.Single(log).GetProperty("job").GetString());
        Assert.Equal("saxpy", log[0].GetProperty("kernel").GetString());

        // lava usage sums the log.
        var summary = LavaCli.Run(_home.Path, "--json", "usage");
        Assert.True(summary.ExitCode == 0, summary.ToString());
        using var totals = JsonDocument.Parse(summary.Stdout);
        Assert.Equal(1, totals.RootElement.GetProperty("jobs").GetInt32());
        var row = Assert.Single(totals.RootElement.GetProperty("totals").EnumerateArray());
        Assert.Equal("local", row.GetProperty("user").GetString());
        Assert.Equal("completed", row.GetProperty("exit").GetString());
        Assert.Equal(usage.GetProperty("peak_memory_bytes").GetInt64(), row.GetProperty("peak_memory_bytes").GetInt64());
    }

    [Fact]
    public void Sandbox_none_warns()
    {
        var result = Saxpy(64, "--sandbox", "none");
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("warning: --sandbox none", result.Stderr);
        using var json = JsonDocument.Parse(result.Stdout);
        Assert.Equal("none", json.RootElement.GetProperty("sandbox").GetString());
    }

    [Fact]
    public void Memory_limit_ends_a_job_that_needs_more_with_one_clear_line()
    {
        if (!HostileVariants.Available(SandboxKind.Oci))
        {
            return;
        }
        // 3 × 16 Mi floats: 192 MiB of buffers against a 64 MiB limit.
        var result = Saxpy(16L << 20, "--sandbox", "oci", "--memory-limit", "64M");
        Assert.NotEqual(0, result.ExitCode);
        Assert.Equal("", result.Stdout);
        var line = Assert.Single(result.Stderr.TrimEnd('\n').Split('\n'));
        Assert.StartsWith("error: kernel 'saxpy' on cpu/x86_64/x86-64-v2 ran out of memory (limit 64 MiB)", line);
        var log = new UsageLog(UsageLog.PathIn(_home.Path)).Read().ToArray();
        Assert.Equal("out_of_memory", Assert.Single(log).GetProperty("exit").GetString());
    }

    [Fact]
    public async Task Termination_stops_the_kernel_and_removes_its_sandbox()
    {
        var spin = Path.Combine(_home.Path, "spin.cl");
        await File.WriteAllTextAsync(spin, "__kernel void spin(__global int* p) { int i = 0; while (p[0] == 0) { i++; if (i == -5) p[1] = i; } }\n");
        using var lava = System.Diagnostics.Process.Start(LavaCli.StartInfo(_home.Path, null, ["run", spin, "--kernel", "spin", "--global", "1", "--arg", "p=zeros:4"]))!;
        var stderr = lava.StandardError.ReadToEndAsync();
        var stdout = lava.StandardOutput.ReadToEndAsync();
        var jobs = Path.Combine(_home.Path, "sandbox", "jobs");
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (!(Directory.Exists(jobs) && Directory.EnumerateFileSystemEntries(jobs).Any(d => File.Exists(Path.Combine(d, "job.txt")))))
        {
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(60), "the kernel never started");
            await Task.Delay(50);
        }
        await Task.Delay(300); // the kernel is spinning now
        using (var kill = System.Diagnostics.Process.Start("kill", ["-TERM", lava.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)])!)
        {
            await kill.WaitForExitAsync();
        }
        Assert.True(lava.WaitForExit(TimeSpan.FromSeconds(30)), "lava did not end after SIGTERM");
        Assert.NotEqual(0, lava.ExitCode);
        Assert.Contains("error: interrupted: kernel 'spin'", await stderr);
        Assert.Equal("", await stdout);
        Assert.Empty(Directory.EnumerateFileSystemEntries(jobs));
        var runc = Path.Combine(_home.Path, "sandbox", "runc");
        Assert.True(!Directory.Exists(runc) || !Directory.EnumerateFileSystemEntries(runc).Any(), "a container was left behind");
    }

    [Theory]
    [InlineData("--memory-limit", "lots", "not a size")]
    [InlineData("--sandbox", "docker", "expected oci, bwrap, none or auto")]
    [InlineData("--cpus", "0", "--cpus 0 is out of range")]
    public void Bad_limits_are_refused(string option, string value, string expected)
    {
        var result = Saxpy(64, option, value);
        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains(expected, result.Stderr);
    }
}
