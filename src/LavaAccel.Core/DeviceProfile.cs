using System.Text.Json.Serialization;

namespace LavaAccel.Devices;

/// <summary>A device: what it is, what it can do, and which LavaAccel targets run on it (device-profiles/schema).</summary>
public sealed record DeviceProfile
{
    /// <summary>Profile format version.</summary>
    public int SchemaVersion { get; init; } = 1;

    /// <summary>Kebab-case id (the file name of checked-in profiles).</summary>
    public required string Id { get; init; }

    /// <summary><c>cpu</c>, <c>gpu</c> or <c>fpga</c>.</summary>
    public required string Kind { get; init; }

    /// <summary>Vendor.</summary>
    public required string Vendor { get; init; }

    /// <summary>Model.</summary>
    public required string Model { get; init; }

    /// <summary>ISA: arch, level and features (CPU), arch (GPU) or part (FPGA).</summary>
    public DeviceIsa Isa { get; init; } = new();

    /// <summary>Cores, SMs, CUs or Xe cores; null for FPGAs.</summary>
    public int? ComputeUnits { get; init; }

    /// <summary>Clocks in GHz.</summary>
    public DeviceClock ClockGhz { get; init; } = new();

    /// <summary>Peak GFLOP/s.</summary>
    public DevicePeaks PeakGflops { get; init; } = new();

    /// <summary>Memory size, bandwidth and type.</summary>
    public DeviceMemory Memory { get; init; } = new();

    /// <summary>LavaAccel targets that run on it.</summary>
    public IReadOnlyList<string> Targets { get; init; } = [];

    /// <summary>Code forms it ingests (llvm-bitcode, ptx, spir …).</summary>
    public IReadOnlyList<string> Ingests { get; init; } = [];

    /// <summary>Toolchains present or needed.</summary>
    public IReadOnlyList<string> Toolchains { get; init; } = [];

    /// <summary>Where the figures come from (checked-in) or how they were measured (discovered).</summary>
    public IReadOnlyList<DeviceSource> Sources { get; init; } = [];

    /// <summary>Remarks: derivations, estimates, caveats.</summary>
    public string? Notes { get; init; }
}

/// <summary>ISA of a device.</summary>
public sealed record DeviceIsa
{
    /// <summary>x86_64, aarch64, sm_90, gfx90a …</summary>
    public string? Arch { get; init; }

    /// <summary>x86-64-v4, armv9-a …</summary>
    public string? Level { get; init; }

    /// <summary>Feature flags.</summary>
    public IReadOnlyList<string>? Features { get; init; }

    /// <summary>FPGA part number.</summary>
    public string? Part { get; init; }

    /// <summary>FPGA family.</summary>
    public string? Family { get; init; }
}

/// <summary>Clocks in GHz.</summary>
public sealed record DeviceClock
{
    /// <summary>Base clock.</summary>
    public double? Base { get; init; }

    /// <summary>Boost clock.</summary>
    public double? Boost { get; init; }
}

/// <summary>Peak floating-point rates in GFLOP/s.</summary>
public sealed record DevicePeaks
{
    /// <summary>FP32.</summary>
    public double Fp32 { get; init; }

    /// <summary>FP64.</summary>
    public double Fp64 { get; init; }
}

/// <summary>Memory of a device.</summary>
public sealed record DeviceMemory
{
    /// <summary>Size in GiB.</summary>
    public double SizeGib { get; init; }

    /// <summary>Bandwidth in GB/s.</summary>
    public double BandwidthGbs { get; init; }

    /// <summary>Kind of memory.</summary>
    public string? Type { get; init; }
}

/// <summary>A citation.</summary>
public sealed record DeviceSource
{
    /// <summary>Title.</summary>
    public required string Title { get; init; }

    /// <summary>URL.</summary>
    public required string Url { get; init; }
}

/// <summary>Source-generated JSON for profiles.</summary>
[JsonSourceGenerationOptions(WriteIndented = true, PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(DeviceProfile))]
[JsonSerializable(typeof(List<DeviceProfile>))]
public sealed partial class DeviceJsonContext : JsonSerializerContext;
