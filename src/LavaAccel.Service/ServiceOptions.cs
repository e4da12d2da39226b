using LavaAccel.Sandbox;

namespace LavaAccel.Service;

/// <summary>Settings of <c>lava serve</c>.</summary>
public sealed record ServiceOptions
{
    /// <summary>Where the database, packages and tokens live.</summary>
    public required string DataDirectory { get; init; }

    /// <summary>Listen address (h2c), e.g. <c>http://127.0.0.1:7800</c>.</summary>
    public string Listen { get; init; } = "http://127.0.0.1:7800";

    /// <summary>Prometheus metrics address (HTTP/1.1); default: the listen port + 1.</summary>
    public string? MetricsListen { get; init; }

    /// <summary>Address of the web dashboard (HTTP/1.1; https:// with the --listen certificate); null: no dashboard.</summary>
    public string? WebListen { get; init; }

    /// <summary>Directory whose subdirectories hold <c>lava bench</c> reports the dashboard shows.</summary>
    public string? BenchmarksDirectory { get; init; }

    /// <summary>Address of the node endpoint (HTTPS with mutual TLS), e.g. <c>https://0.0.0.0:7803</c>; null: no remote nodes.</summary>
    public string? NodeListen { get; init; }

    /// <summary>The cluster CA and the controller's certificate (<c>lava certs init</c>); default DATA/certs.</summary>
    public string? CertificatesDirectory { get; init; }

    /// <summary>How often nodes heartbeat.</summary>
    public TimeSpan HeartbeatInterval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>A node silent this long is declared dead and its jobs re-placed.</summary>
    public TimeSpan NodeDeadAfter { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>A node that offers only some targets runs auto jobs on the best of these (null: any).</summary>
    public IReadOnlySet<string>? OfferedTargets { get; init; }

    /// <summary>Roles of this process: controller, access, compute.</summary>
    public IReadOnlySet<string> Roles { get; init; } = new HashSet<string>(["controller", "access", "compute"]);

    /// <summary>Name of the embedded compute node.</summary>
    public string NodeName { get; init; } = "local";

    /// <summary>Jobs run at once on this node.</summary>
    public int Workers { get; init; } = Math.Max(1, Environment.ProcessorCount);

    /// <summary>Warm containers kept per (sandbox, arch, limits).</summary>
    public int PoolSize { get; init; } = 2;

    /// <summary>Sandbox for CPU jobs (null: the default, oci as root else bwrap).</summary>
    public SandboxKind? Sandbox { get; init; }

    /// <summary>Largest package upload accepted.</summary>
    public long MaxUploadBytes { get; init; } = 256L << 20;

    /// <summary>Time limit of jobs that set none.</summary>
    public TimeSpan DefaultTimeLimit { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>Slurm as the execution engine (<c>--executor slurm</c>), or null for lava's own nodes.</summary>
    public Slurm.SlurmOptions? Slurm { get; init; }

    /// <summary>How long a stopping server keeps answering with health NOT_SERVING before it closes.</summary>
    public TimeSpan DrainTime { get; init; } = TimeSpan.Zero;

    /// <summary>Longest time limit a job may ask for.</summary>
    public TimeSpan MaxTimeLimit { get; init; } = TimeSpan.FromHours(1);
}
