using LavaAccel.Host;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using LavaAccel.Backends;
using LavaAccel.Sandbox;

namespace LavaAccel.Tests.Sandbox;

/// <summary>
/// Builds hostile_variants.c into a shared object with the real host runtime (as the backend links
/// a variant, minus the symbol allowlist) and runs its kernels in sandboxes of a throw-away
/// deployment, writing the job file by hand.
/// </summary>
public sealed class HostileVariants : IAsyncLifetime, IDisposable
{
    private readonly TempLavaHome _home = new();

    /// <summary>The built shared object.</summary>
    public string Library { get; private set; } = "";

    /// <summary>A variant with a constructor (load_time_code.c), and one with an IFUNC resolver.</summary>
    public (string Constructor, string IFunc) LoadTimeCode { get; private set; }

    /// <summary>Sandboxes with state under the throw-away LAVA_HOME.</summary>
    public Deployment Deployment { get; private set; } = null!;

    /// <summary>Whether <paramref name="kind"/> can run on this host (oci: root and runc; bwrap: bubblewrap).</summary>
    public static bool Available(SandboxKind kind) => kind switch
    {
        SandboxKind.Oci => HostTools.Runc is not null && Environment.IsPrivilegedProcess,
        SandboxKind.Bwrap => HostTools.Bwrap is not null,
        _ => true,
    };

    public async Task InitializeAsync()
    {
        Deployment = new Deployment(_home.Path);
        Library = Path.Combine(_home.Path, "hostile.so");
        await ClangAsync(LavaCli.RepoFile("tests/LavaAccel.Tests/Sandbox/hostile_variants.c"), Library, "-nostartfiles", NativeRuntime.HostObject("x86_64"));
        var loadTime = LavaCli.RepoFile("tests/LavaAccel.Tests/Sandbox/load_time_code.c");
        LoadTimeCode = (Path.Combine(_home.Path, "constructor.so"), Path.Combine(_home.Path, "ifunc.so"));
        await ClangAsync(loadTime, LoadTimeCode.Constructor, "-nostartfiles", "-DWITH_CONSTRUCTOR");
        await ClangAsync(loadTime, LoadTimeCode.IFunc, "-nostartfiles");
    }

    private static async Task ClangAsync(string source, string output, params string[] extra)
    {
        var start = new ProcessStartInfo("clang-19") { RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in new[] { "-O1", "-fPIC", "-shared", source, "-o", output }.Concat(extra))
        {
            start.ArgumentList.Add(a);
        }
        using var clang = Process.Start(start)!;
        var error = await clang.StandardError.ReadToEndAsync();
        await clang.WaitForExitAsync();
        Assert.True(clang.ExitCode == 0, error);
    }

    public async Task DisposeAsync()
    {
        await Deployment.DisposeAsync();
        Dispose();
    }

    public void Dispose() => _home.Dispose();

    /// <summary>Whether the last run's variant ran code when it was loaded (its marker file appeared).</summary>
    public bool LoadTimeCodeRan { get; private set; }

    /// <summary>What a hostile kernel run produced: the sandbox's account and the kernel's out[0], out[1].</summary>
    public sealed record Outcome(SandboxRun Run, long Result, long Errno, WorkerSlot Slot);

    /// <summary>Runs <paramref name="kernel"/> in a fresh sandbox of <paramref name="kind"/>.</summary>
    /// <param name="kind">Driver.</param>
    /// <param name="kernel">Kernel name in hostile_variants.c.</param>
    /// <param name="workerSeccomp">Whether the worker installs its own filter (off: the container alone).</param>
    /// <param name="limits">Limits (time limit: written into the job unless <paramref name="hostLimitOnly"/>).</param>
    /// <param name="hostLimitOnly">Give the time limit to lava only, not to the worker (tests lava's own kill).</param>
    /// <param name="scalars">int64 scalar arguments after the out buffer.</param>
    public Task<Outcome> RunAsync(SandboxKind kind, string kernel, bool workerSeccomp = true, SandboxLimits? limits = null, bool hostLimitOnly = false, params long[] scalars) =>
        RunInAsync(WorkerImages.Native("x86_64"), Library, kind, kernel, workerSeccomp, limits, hostLimitOnly, scalars);

    /// <summary>Runs <paramref name="kernel"/> of <paramref name="library"/> in a sandbox holding <paramref name="image"/> (the native worker, device cpu).</summary>
    public async Task<Outcome> RunInAsync(WorkerImage image, string library, SandboxKind kind, string kernel, bool workerSeccomp = true, SandboxLimits? limits = null, bool hostLimitOnly = false, params long[] scalars)
    {
        limits ??= SandboxLimits.None;
        Assert.False(kind == SandboxKind.None && !workerSeccomp, "hostile kernels without any sandbox would attack the test machine");
        var slot = await Deployment.AcquireAsync(kind, image, limits);
        try
        {
            var variant = slot.PlaceVariant(library);
            var output = Path.Combine(slot.HostJobDirectory, "out.bin");
            await File.WriteAllBytesAsync(output, new byte[16]);
            slot.Adopt(output);
            var job = new StringBuilder();
            var inv = CultureInfo.InvariantCulture;
            if (limits.Time is { } time && !hostLimitOnly)
            {
                job.Append(inv, $"timelimit {(long)time.TotalMilliseconds}\n");
            }
            if (limits.MemoryBytes is { } memory && kind != SandboxKind.Oci)
            {
                job.Append(inv, $"memlimit {memory}\n");
            }
            job.Append(inv, $"kernel {kernel}\nrange 1 1 1 1 1 1 1\nthreads 1\nrepeat 1\nseccomp {(workerSeccomp ? "on" : "off")}\n");
            job.Append(inv, $"buffer 16 rw {slot.JobDirectoryInside}/out.bin\n");
            foreach (var scalar in scalars)
            {
                job.Append(inv, $"scalar 8 {Convert.ToHexStringLower(BitConverter.GetBytes(scalar))}\n");
            }
            await File.WriteAllTextAsync(Path.Combine(slot.HostJobDirectory, "job.txt"), job.ToString());
            var run = await JobDispatch.RunAsync(slot, variant, slot.JobDirectoryInside + "/job.txt", limits.Time);
            var bytes = await File.ReadAllBytesAsync(output);
            LoadTimeCodeRan = File.Exists(Path.Combine(slot.HostJobDirectory, "load-time-code-ran"));
            return new Outcome(run, BitConverter.ToInt64(bytes, 0), BitConverter.ToInt64(bytes, 8), slot);
        }
        finally
        {
            await slot.DisposeAsync();
        }
    }
}
