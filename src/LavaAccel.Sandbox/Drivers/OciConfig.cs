using System.Text.Json;
using System.Text.Json.Nodes;
using LavaAccel.Sandbox.Seccomp;

namespace LavaAccel.Sandbox.Drivers;

/// <summary>A bind mount into a container.</summary>
/// <param name="Source">Host path.</param>
/// <param name="Destination">Path inside.</param>
/// <param name="ReadOnly">Mounted read-only.</param>
public sealed record OciMount(string Source, string Destination, bool ReadOnly);

/// <summary>
/// An OCI runtime-spec 1.0 <c>config.json</c> for one worker of <paramref name="image"/>: fresh PID,
/// mount, IPC, UTS, network and cgroup namespaces (the loopback taken down); a read-only root
/// holding only <c>/usr</c>, the given mounts and the image's read-only paths; uid 65534; no
/// capabilities; <c>noNewPrivileges</c>; the seccomp allowlist of the image's profile; memory,
/// swap, pids and CPU limits; no devices but the defaults and the image's (GPU nodes).
/// </summary>
public sealed class OciConfig(string rootFs, WorkerImage image, SandboxLimits limits, string cgroupPath)
{
    private static readonly string[] Namespaces = ["pid", "network", "ipc", "uts", "mount", "cgroup"];

    /// <summary>Bind mounts besides <c>/usr</c>.</summary>
    public IList<OciMount> Mounts { get; } = [];

    /// <summary>Serialises the configuration.</summary>
    public string ToJson()
    {
        var mounts = new JsonArray
        {
            Mount("/proc", "proc", "proc", "nosuid", "noexec", "nodev"),
            Mount("/dev", "tmpfs", "tmpfs", "nosuid", "strictatime", "mode=755", "size=65536k"),
            Mount("/sys", "sysfs", "sysfs", "nosuid", "noexec", "nodev", "ro"),
            Mount("/usr", "bind", "/usr", "rbind", "ro", "nosuid", "nodev"),
        };
        if (image.PrivateTmp)
        {
            // Before the read-only paths, which may lie under /tmp (lava built in a clone there).
            // Owned by the worker's user (runc 1.1 does not apply a tmpfs mode= here).
            mounts.Add(Mount("/tmp", "tmpfs", "tmpfs", "nosuid", "nodev", $"uid={UnixFiles.Nobody}", $"gid={UnixFiles.Nobody}", "mode=0700", $"size={WorkerImage.PrivateTmpBytes}"));
        }
        foreach (var path in image.ReadOnlyPaths)
        {
            mounts.Add(Mount(path, "bind", path, "rbind", "ro", "nosuid", "nodev"));
        }
        foreach (var device in image.Devices)
        {
            mounts.Add(Mount(device, "bind", device, "bind", "rw", "nosuid"));
        }
        foreach (var mount in Mounts)
        {
            // The job directory is writable and therefore not executable; the variant's is read-only.
            mounts.Add(mount.ReadOnly
                ? Mount(mount.Destination, "bind", mount.Source, "rbind", "ro", "nosuid", "nodev")
                : Mount(mount.Destination, "bind", mount.Source, "rbind", "nosuid", "nodev", "noexec"));
        }
        var config = new JsonObject
        {
            ["ociVersion"] = "1.0.2",
            ["process"] = new JsonObject
            {
                ["terminal"] = false,
                ["user"] = new JsonObject { ["uid"] = UnixFiles.Nobody, ["gid"] = UnixFiles.Nobody },
                ["args"] = Strings(image.Command),
                ["env"] = Strings(image.Environment.Select(e => $"{e.Key}={e.Value}")),
                ["cwd"] = WorkerImage.JobInside,
                ["capabilities"] = new JsonObject
                {
                    ["bounding"] = new JsonArray(),
                    ["effective"] = new JsonArray(),
                    ["permitted"] = new JsonArray(),
                    ["inheritable"] = new JsonArray(),
                    ["ambient"] = new JsonArray(),
                },
                ["rlimits"] = new JsonArray { new JsonObject { ["type"] = "RLIMIT_NOFILE", ["hard"] = 1024, ["soft"] = 1024 } },
                ["noNewPrivileges"] = true,
            },
            ["root"] = new JsonObject { ["path"] = rootFs, ["readonly"] = true },
            ["hooks"] = Hooks(),
            ["hostname"] = "lava",
            ["mounts"] = mounts,
            ["linux"] = new JsonObject
            {
                ["cgroupsPath"] = cgroupPath,
                ["resources"] = Resources(),
                ["namespaces"] = new JsonArray(Namespaces.Select(n => (JsonNode)new JsonObject { ["type"] = n }).ToArray()),
                ["seccomp"] = Seccomp(image.Syscalls),
                ["maskedPaths"] = Strings(["/proc/acpi", "/proc/asound", "/proc/kcore", "/proc/keys", "/proc/latency_stats", "/proc/timer_list", "/proc/timer_stats", "/proc/sched_debug", "/sys/firmware", "/proc/scsi"]),
                ["readonlyPaths"] = Strings(["/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger"]),
            },
        };
        return config.ToJsonString(new JsonSerializerOptions { WriteIndented = true });
    }

    /// <summary>The ip tool the loopback hook runs (inside the container: /usr is mounted).</summary>
    public const string IpTool = "/usr/sbin/ip";

    // runc brings the new network namespace's loopback up; a hook, run as root in the container's
    // namespaces before the worker starts, takes it down again: no interface is up.
    private static JsonObject Hooks() => File.Exists(IpTool)
        ? new JsonObject
        {
            ["createContainer"] = new JsonArray { new JsonObject { ["path"] = IpTool, ["args"] = Strings(["ip", "link", "set", "lo", "down"]) } },
        }
        : [];

    private JsonObject Resources()
    {
        var devices = new JsonArray { new JsonObject { ["allow"] = false, ["access"] = "rwm" } };
        foreach (var major in GpuDevices.Majors(image.Devices))
        {
            devices.Add(new JsonObject { ["allow"] = true, ["type"] = "c", ["major"] = major, ["access"] = "rwm" });
        }
        var resources = new JsonObject
        {
            ["devices"] = devices,
            ["pids"] = new JsonObject { ["limit"] = limits.Pids },
        };
        if (limits.MemoryBytes is { } memory)
        {
            // swap = limit: no swap on top of the memory limit, so exhaustion ends in the OOM killer.
            resources["memory"] = new JsonObject { ["limit"] = memory, ["swap"] = memory };
        }
        if (limits.Cpus is { } cpus)
        {
            const long Period = 100_000;
            resources["cpu"] = new JsonObject { ["quota"] = (long)Math.Ceiling(cpus * Period), ["period"] = Period };
        }
        return resources;
    }

    private static JsonObject Seccomp(SyscallProfile profile)
    {
        var syscalls = new JsonArray
        {
            new JsonObject { ["names"] = Strings(SeccompAllowlist.Names.Concat(SeccompAllowlist.Extra(profile)).Distinct(StringComparer.Ordinal)), ["action"] = "SCMP_ACT_ALLOW" },
            SeccompAllowlist.AllowsProcesses(profile)
                ? new JsonObject { ["names"] = Strings(["clone"]), ["action"] = "SCMP_ACT_ALLOW" }
                : new JsonObject
                {
                    ["names"] = Strings(["clone"]),
                    ["action"] = "SCMP_ACT_ALLOW",
                    ["args"] = new JsonArray
                    {
                        new JsonObject { ["index"] = 0, ["value"] = SeccompAllowlist.CloneThread, ["valueTwo"] = SeccompAllowlist.CloneThread, ["op"] = "SCMP_CMP_MASKED_EQ" },
                    },
                },
            new JsonObject { ["names"] = Strings(["clone3"]), ["action"] = "SCMP_ACT_ERRNO", ["errnoRet"] = SeccompAllowlist.Enosys },
        };
        return new JsonObject
        {
            ["defaultAction"] = "SCMP_ACT_ERRNO",
            ["defaultErrnoRet"] = SeccompAllowlist.Eperm,
            ["architectures"] = Strings([System.Runtime.InteropServices.RuntimeInformation.OSArchitecture == System.Runtime.InteropServices.Architecture.Arm64 ? "SCMP_ARCH_AARCH64" : "SCMP_ARCH_X86_64"]),
            ["syscalls"] = syscalls,
        };
    }

    private static JsonObject Mount(string destination, string type, string source, params string[] options) => new()
    {
        ["destination"] = destination,
        ["type"] = type,
        ["source"] = source,
        ["options"] = Strings(options),
    };

    private static JsonArray Strings(IEnumerable<string> values) => new(values.Select(v => (JsonNode)JsonValue.Create(v)!).ToArray());
}
