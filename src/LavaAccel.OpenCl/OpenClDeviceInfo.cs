namespace LavaAccel.OpenCl;

/// <summary>What kind of device an OpenCL device is (CL_DEVICE_TYPE).</summary>
public enum OpenClDeviceKind
{
    /// <summary>Any kind (when looking for one).</summary>
    Any,

    /// <summary>A CPU (PoCL's pthread device).</summary>
    Cpu,

    /// <summary>A GPU.</summary>
    Gpu,

    /// <summary>An accelerator (FPGA boards and the like).</summary>
    Accelerator,
}

/// <summary>What discovery and scheduling need to know of an OpenCL device, read without opening it.</summary>
/// <param name="Platform">CL_PLATFORM_NAME.</param>
/// <param name="Name">CL_DEVICE_NAME.</param>
/// <param name="Vendor">CL_DEVICE_VENDOR.</param>
/// <param name="Version">CL_DEVICE_VERSION.</param>
/// <param name="Kind">CL_DEVICE_TYPE.</param>
/// <param name="Extensions">CL_DEVICE_EXTENSIONS.</param>
/// <param name="ComputeUnits">CL_DEVICE_MAX_COMPUTE_UNITS.</param>
/// <param name="ClockMhz">CL_DEVICE_MAX_CLOCK_FREQUENCY.</param>
/// <param name="GlobalMemoryBytes">CL_DEVICE_GLOBAL_MEM_SIZE.</param>
/// <param name="LocalMemoryBytes">CL_DEVICE_LOCAL_MEM_SIZE.</param>
public sealed record OpenClDeviceInfo(
    string Platform, string Name, string Vendor, string Version, OpenClDeviceKind Kind, IReadOnlySet<string> Extensions,
    int ComputeUnits, int ClockMhz, long GlobalMemoryBytes, long LocalMemoryBytes)
{
    /// <summary>Whether the device takes SPIR 1.2 bitcode (cl_khr_spir).</summary>
    public bool IngestsSpir => Extensions.Contains("cl_khr_spir");

    /// <summary>Whether the device takes SPIR-V (cl_khr_il_program).</summary>
    public bool IngestsSpirv => Extensions.Contains("cl_khr_il_program");
}
