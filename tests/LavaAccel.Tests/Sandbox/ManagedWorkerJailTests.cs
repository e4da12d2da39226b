using System.Diagnostics;
using LavaAccel.Sandbox;

namespace LavaAccel.Tests.Sandbox;

/// <summary>The jail lava-ilgpu-worker runs in: what a program inside can and cannot reach.</summary>
public sealed class ManagedWorkerJailTests
{
    [Fact]
    public void A_jailed_program_sees_only_its_job_directory_no_network_and_runs_as_nobody()
    {
        if (!ManagedWorkerJail.Available)
        {
            return; // bubblewrap is installed by tools/bootstrap.sh; without it ilgpu/cpu refuses to run jailed
        }
        var job = Directory.CreateTempSubdirectory("lava-jail-test-");
        var secret = Path.Combine(Path.GetTempPath(), $"lava-jail-secret-{Guid.NewGuid():N}");
        File.WriteAllText(secret, "secret");
        try
        {
            var script = string.Join("; ",
                "echo uid=$(id -u)",
                $"cat {secret} >/dev/null 2>&1 && echo secret=read || echo secret=hidden",
                "cat /etc/shadow >/dev/null 2>&1 && echo shadow=read || echo shadow=hidden",
                "touch /usr/lava-jail-probe 2>/dev/null && echo usr=writable || echo usr=readonly",
                $"echo ok > {job.FullName}/out.txt && echo job=writable || echo job=readonly",
                "echo links=$(ls /sys/class/net 2>/dev/null | tr '\\n' ',')",
                "echo env=$(env | grep -c LAVA_)");
            var inner = new ProcessStartInfo("/bin/sh") { RedirectStandardOutput = true, RedirectStandardError = true };
            inner.ArgumentList.Add("-c");
            inner.ArgumentList.Add(script);
            var start = ManagedWorkerJail.Wrap(inner, job.FullName, memoryLimit: null);
            using var process = Process.Start(start)!;
            var stdout = process.StandardOutput.ReadToEnd();
            var stderr = process.StandardError.ReadToEnd();
            process.WaitForExit();
            Assert.True(process.ExitCode == 0, stderr);
            Assert.Contains("uid=65534", stdout);
            Assert.Contains("secret=hidden", stdout);
            Assert.Contains("shadow=hidden", stdout);
            Assert.Contains("usr=readonly", stdout);
            Assert.Contains("job=writable", stdout);
            Assert.Contains("env=0", stdout);
            Assert.Equal("ok", File.ReadAllText(Path.Combine(job.FullName, "out.txt")).Trim());
            var links = stdout.Split('\n').Single(l => l.StartsWith("links=", StringComparison.Ordinal))["links=".Length..].Split(',', StringSplitOptions.RemoveEmptyEntries);
            Assert.All(links, l => Assert.Equal("lo", l));
        }
        finally
        {
            File.Delete(secret);
            job.Delete(recursive: true);
        }
    }
}
