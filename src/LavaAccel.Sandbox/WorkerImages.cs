using System.Diagnostics;
using System.Runtime.InteropServices;
using LavaAccel.Host;
using LavaAccel.Sandbox.Seccomp;

namespace LavaAccel.Sandbox;

/// <summary>
/// The workers lava runs kernels in, as <see cref="WorkerImage"/>s: the native worker for CPU
/// variants (natively or under qemu-aarch64), the same worker opening an OpenCL device (PoCL)
/// or a CUDA GPU, and the .NET worker for C# kernels.
/// </summary>
public static class WorkerImages
{
    /// <summary>The native worker for CPU variants of <paramref name="arch"/>.</summary>
    public static WorkerImage Native(string arch) =>
        new($"native-{arch}", NativeCommand(arch, WorkerImage.RuntimeInside), NativeCommand(arch, NativeRuntime.Root), SyscallProfile.Worker);

    /// <summary>
    /// The native worker opening an OpenCL device: the ICD files (<c>/etc/OpenCL/vendors</c>)
    /// read-only, and a private /tmp for PoCL's compile cache (never shared between jobs: a cache
    /// one job could write would be code another job loads).
    /// </summary>
    public static WorkerImage OpenCl()
    {
        var native = NativeCommand(HostArch, WorkerImage.RuntimeInside);
        return new WorkerImage("opencl", native, NativeCommand(HostArch, NativeRuntime.Root), SyscallProfile.DeviceRuntime)
        {
            ReadOnlyPaths = Existing("/etc/OpenCL/vendors"),
            PrivateTmp = true,
            Environment = new Dictionary<string, string>(StringComparer.Ordinal)
            {
                ["PATH"] = "/usr/bin:/bin",
                ["HOME"] = "/tmp",
                ["TMPDIR"] = "/tmp",
                ["POCL_CACHE_DIR"] = "/tmp/pocl",
            },
        };
    }

    /// <summary>The native worker opening a CUDA GPU: the NVIDIA device nodes and, where it is outside /usr, the driver's library directory.</summary>
    public static WorkerImage Cuda()
    {
        var library = GpuDevices.DriverLibraryDirectory();
        return new WorkerImage("cuda", NativeCommand(HostArch, WorkerImage.RuntimeInside), NativeCommand(HostArch, NativeRuntime.Root), SyscallProfile.DeviceRuntime)
        {
            Devices = GpuDevices.Nodes(),
            ReadOnlyPaths = library is null || library.StartsWith("/usr/", StringComparison.Ordinal) ? [] : [library],
            PrivateTmp = true,
            Environment = GpuEnvironment(library, new Dictionary<string, string>(StringComparer.Ordinal) { ["CUDA_CACHE_PATH"] = "/tmp/cuda" }),
        };
    }

    /// <summary>
    /// The .NET worker <paramref name="worker"/> (a start description from lava's directory): the
    /// .NET runtime and lava's directory read-only at their own paths, a private /tmp, the
    /// runtime's diagnostics off, and with <paramref name="memoryLimit"/> a hard cap on the managed
    /// heap (for sandboxes without a memory cgroup). With <paramref name="gpu"/> it also gets the
    /// GPU's device nodes (ILGPU's CUDA accelerator).
    /// </summary>
    public static WorkerImage Managed(string key, ProcessStartInfo worker, long? memoryLimit, bool gpu)
    {
        var dotnet = DotnetRoot();
        // `dotnet` by name would be looked up on the sandbox's PATH (/usr/bin only): name the host's.
        var program = worker.FileName == "dotnet" ? Path.Combine(dotnet, "dotnet") : worker.FileName;
        IReadOnlyList<string> command = [program, .. worker.ArgumentList, "--wait"];
        var environment = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["HOME"] = "/tmp",
            ["TMPDIR"] = "/tmp",
            ["DOTNET_ROOT"] = dotnet,
            ["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1",
            ["DOTNET_EnableDiagnostics"] = "0",
            ["DOTNET_DbgEnableMiniDump"] = "0",
            // No double mapping of JIT code (it needs memfd or /dev/shm, which the sandbox lacks).
            ["DOTNET_EnableWriteXorExecute"] = "0",
        };
        if (memoryLimit is { } limit)
        {
            environment["DOTNET_GCHeapHardLimit"] = "0x" + limit.ToString("x", System.Globalization.CultureInfo.InvariantCulture);
        }
        var library = gpu ? GpuDevices.DriverLibraryDirectory() : null;
        var paths = new[] { dotnet, AppContext.BaseDirectory.TrimEnd('/'), library }
            .OfType<string>().Where(p => !p.StartsWith("/usr/", StringComparison.Ordinal)).Distinct(StringComparer.Ordinal).ToList();
        return new WorkerImage(key, command, command, gpu ? SyscallProfile.DeviceRuntime : SyscallProfile.Managed)
        {
            ReadOnlyPaths = paths,
            Devices = gpu ? GpuDevices.Nodes() : [],
            PrivateTmp = true,
            Environment = GpuEnvironment(library, environment),
        };
    }

    private static Dictionary<string, string> GpuEnvironment(string? library, Dictionary<string, string> environment)
    {
        environment["PATH"] = "/usr/bin:/bin";
        environment.TryAdd("HOME", "/tmp");
        environment.TryAdd("TMPDIR", "/tmp");
        if (library is not null)
        {
            environment["LD_LIBRARY_PATH"] = library;
        }
        return environment;
    }

    private static string HostArch => RuntimeInformation.OSArchitecture == Architecture.Arm64 ? "aarch64" : "x86_64";

    private static IReadOnlyList<string> Existing(params string[] paths) => [.. paths.Where(p => Directory.Exists(p) || File.Exists(p))];

    /// <summary>The native worker's command line for <paramref name="arch"/>, with the runtime at <paramref name="runtimeDirectory"/>.</summary>
    private static IReadOnlyList<string> NativeCommand(string arch, string runtimeDirectory)
    {
        var runner = Path.Combine(runtimeDirectory, $"lava-runner-{arch}");
        if (arch == "aarch64" && RuntimeInformation.OSArchitecture != Architecture.Arm64)
        {
            var qemu = QemuAarch64.Path ?? throw new LavaException("AArch64 variants need qemu-aarch64 on this x86-64 machine (apt-get install qemu-user)");
            return [qemu, "-L", QemuAarch64.SysRoot, runner, "--wait"];
        }
        return [runner, "--wait"];
    }

    // …/dotnet/shared/Microsoft.NETCore.App/10.0.x/ → …/dotnet
    private static string DotnetRoot() =>
        Path.GetFullPath(Path.Combine(RuntimeEnvironment.GetRuntimeDirectory(), "..", "..", "..")).TrimEnd('/');
}
