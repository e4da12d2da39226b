using System.Text.Json;
using LavaAccel.Sandbox;
using LavaAccel.Sandbox.Cgroups;
using LavaAccel.Sandbox.Drivers;
using LavaAccel.Sandbox.Seccomp;

namespace LavaAccel.Tests.Sandbox;

/// <summary>The OCI bundle, the allowlist, the cgroup readers (v1 here; v2 from a fake tree), limits parsing.</summary>
public sealed class SandboxConfigurationTests
{
    [Fact]
    public void Oci_config_locks_the_container_down()
    {
        var config = new OciConfig("/rootfs", WorkerImages.Native("x86_64"), new SandboxLimits(256L << 20, null, 1.5, 100), "/lava/x")
        {
            Mounts = { new OciMount("/host/job", "/job", ReadOnly: false), new OciMount("/host/variant", "/variant", ReadOnly: true) },
        };
        using var json = JsonDocument.Parse(config.ToJson());
        var root = json.RootElement;
        Assert.True(root.GetProperty("root").GetProperty("readonly").GetBoolean());
        var process = root.GetProperty("process");
        Assert.True(process.GetProperty("noNewPrivileges").GetBoolean());
        Assert.Equal(65534, process.GetProperty("user").GetProperty("uid").GetInt32());
        foreach (var set in process.GetProperty("capabilities").EnumerateObject())
        {
            Assert.Equal(0, set.Value.GetArrayLength());
        }
        var linux = root.GetProperty("linux");
        var namespaces = linux.GetProperty("namespaces").EnumerateArray().Select(n => n.GetProperty("type").GetString()).ToHashSet();
        Assert.Superset(new HashSet<string?> { "pid", "network", "ipc", "uts", "mount" }, namespaces);
        var resources = linux.GetProperty("resources");
        Assert.Equal(256L << 20, resources.GetProperty("memory").GetProperty("limit").GetInt64());
        Assert.Equal(256L << 20, resources.GetProperty("memory").GetProperty("swap").GetInt64());
        Assert.Equal(100, resources.GetProperty("pids").GetProperty("limit").GetInt32());
        Assert.Equal(150_000, resources.GetProperty("cpu").GetProperty("quota").GetInt64());
        var mounts = root.GetProperty("mounts").EnumerateArray().ToDictionary(m => m.GetProperty("destination").GetString()!, m => m.GetProperty("options").EnumerateArray().Select(o => o.GetString()).ToArray());
        Assert.Contains("ro", mounts["/usr"]);
        Assert.Contains("ro", mounts["/variant"]);
        Assert.Contains("noexec", mounts["/job"]);
        Assert.DoesNotContain("/etc", mounts.Keys);
        var seccomp = linux.GetProperty("seccomp");
        Assert.Equal("SCMP_ACT_ERRNO", seccomp.GetProperty("defaultAction").GetString());
        var allowed = seccomp.GetProperty("syscalls").EnumerateArray()
            .Where(r => r.GetProperty("action").GetString() == "SCMP_ACT_ALLOW" && !r.TryGetProperty("args", out _))
            .SelectMany(r => r.GetProperty("names").EnumerateArray().Select(n => n.GetString())).ToHashSet();
        foreach (var forbidden in new[] { "socket", "connect", "ptrace", "fork", "vfork", "mount", "unshare", "setns", "bpf", "keyctl", "process_vm_readv", "clone", "clone3" })
        {
            Assert.DoesNotContain(forbidden, allowed);
        }
    }

    [Fact]
    public void Read_only_paths_under_tmp_are_mounted_over_the_private_tmp()
    {
        // lava built in a clone under /tmp: its directory must not vanish under the worker's /tmp.
        var image = WorkerImages.Native("x86_64") with { ReadOnlyPaths = ["/tmp/clone/artifacts/bin"], PrivateTmp = true };
        using var json = JsonDocument.Parse(new OciConfig("/rootfs", image, SandboxLimits.None, "/lava/x").ToJson());
        var destinations = json.RootElement.GetProperty("mounts").EnumerateArray().Select(m => m.GetProperty("destination").GetString()).ToList();
        var tmp = destinations.IndexOf("/tmp");
        var bin = destinations.IndexOf("/tmp/clone/artifacts/bin");
        Assert.True(tmp >= 0 && bin > tmp, $"mount order: {string.Join(", ", destinations)}");
    }

    [Fact]
    public void Allowlist_has_no_duplicates()
    {
        Assert.Equal(SeccompAllowlist.Names.Count, SeccompAllowlist.Names.Distinct().Count());
    }

    [Fact]
    public void Cgroup_v1_hybrid_layout_is_read_from_mountinfo()
    {
        var layout = CgroupLayout.Parse([
            "30 25 0:26 / /sys/fs/cgroup ro,nosuid,nodev,noexec shared:4 - tmpfs tmpfs ro,mode=755",
            "31 30 0:27 / /sys/fs/cgroup/unified rw,nosuid,nodev,noexec,relatime shared:5 - cgroup2 cgroup2 rw",
            "34 30 0:30 / /sys/fs/cgroup/memory rw,nosuid,nodev,noexec,relatime shared:8 - cgroup cgroup rw,memory",
            "35 30 0:31 / /sys/fs/cgroup/cpu,cpuacct rw,nosuid,nodev,noexec,relatime shared:9 - cgroup cgroup rw,cpu,cpuacct",
            "36 30 0:32 / /sys/fs/cgroup/pids rw,nosuid,nodev,noexec,relatime shared:10 - cgroup cgroup rw,pids",
        ]);
        Assert.Equal(1, layout.Version);
        Assert.Equal("/sys/fs/cgroup/memory/lava/x", layout.Directory("memory", "/lava/x"));
        Assert.Equal("/sys/fs/cgroup/cpu,cpuacct/lava/x", layout.Directory("cpuacct", "/lava/x"));
        Assert.Equal("/sys/fs/cgroup/pids/lava/x", layout.Directory("pids", "/lava/x"));
    }

    [Fact]
    public void Cgroup_v2_usage_is_read_from_the_unified_tree()
    {
        var root = Directory.CreateTempSubdirectory("cgroup2-");
        try
        {
            var layout = CgroupLayout.Parse([$"29 23 0:26 / {root.FullName} rw,nosuid,nodev,noexec,relatime shared:4 - cgroup2 cgroup2 rw,nsdelegate"]);
            Assert.Equal(2, layout.Version);
            var group = Directory.CreateDirectory(Path.Combine(root.FullName, "lava", "x")).FullName;
            File.WriteAllText(Path.Combine(group, "cpu.stat"), "usage_usec 5000\nuser_usec 3000\nsystem_usec 2000\n");
            File.WriteAllText(Path.Combine(group, "memory.peak"), "104857600\n");
            File.WriteAllText(Path.Combine(group, "memory.events"), "low 0\nhigh 0\nmax 4\noom 1\noom_kill 1\n");
            File.WriteAllText(Path.Combine(group, "pids.events"), "max 7\n");
            var usage = CgroupUsage.Read(layout, "/lava/x");
            Assert.Equal(new CgroupUsage(3, 2, 100L << 20, 1, 7), usage);
            Assert.Null(CgroupUsage.Read(layout, "/lava/gone"));
            Assert.Equal(new CgroupUsage(1, 1, 100L << 20, 0, 2), usage!.Since(new CgroupUsage(2, 1, 5, 1, 5)));
        }
        finally
        {
            root.Delete(recursive: true);
        }
    }

    [Fact]
    public void This_hosts_cgroups_are_found()
    {
        var layout = CgroupLayout.Host;
        Assert.NotNull(layout.Directory("memory", "/"));
        Assert.True(Directory.Exists(layout.Directory("memory", "/")));
    }

    [Theory]
    [InlineData("512M", 512L << 20)]
    [InlineData("2G", 2L << 30)]
    [InlineData("1.5GiB", 3L << 29)]
    [InlineData("65536", 65536)]
    [InlineData("64k", 64L << 10)]
    public void Sizes_parse(string text, long bytes) => Assert.Equal(bytes, SandboxLimits.ParseSize(text));

    [Theory]
    [InlineData("lots")]
    [InlineData("12Q")]
    [InlineData("0")]
    public void Bad_sizes_are_refused(string text) => Assert.Throws<LavaException>(() => SandboxLimits.ParseSize(text));

    [Fact]
    public void Unknown_sandbox_is_refused_with_the_choices()
    {
        var error = Assert.Throws<LavaException>(() => SandboxKinds.Parse("docker"));
        Assert.Contains("oci, bwrap, none", error.Message);
    }
}
