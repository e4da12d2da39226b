using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using LavaAccel.Cache;
using LavaAccel.KernelSuite;
using LavaAccel.Execution;
using LavaAccel.Sandbox;
using LavaAccel.Toolchain;

namespace LavaAccel.Benchmarks;

/// <summary>
/// Dispatch latency, "job ready" → "kernel entered", side by side in one run: an in-process call
/// of the loaded variant, a plain child process, bubblewrap cold, runc cold, and warm pools. The
/// job is saxpy over 1,024 floats (8 KiB of buffers) on x86-64-v2; "kernel entered" is the
/// worker's CLOCK_MONOTONIC reading just before it calls the variant, which lava's Stopwatch
/// shares. Cold: the sandbox is started for the job. Warm: taken from a pool kept at two ready
/// slots (each iteration waits for the refill, the steady state of a pool that keeps up).
/// </summary>
internal static class DispatchBench
{
    private const int N = 1024;

    public static string Run(int samples)
    {
        var inv = CultureInfo.InvariantCulture;
        var home = Directory.CreateTempSubdirectory("lava-bench-dispatch-");
        var report = new StringBuilder();
        try
        {
            var target = TargetId.Parse("cpu/x86_64/x86-64-v2");
            var package = PackageBuilder.Pack(Path.Combine(SuiteRunner.KernelsDirectory, "saxpy.cl"), new PackOptions([]));
            var packagePath = Path.Combine(home.FullName, "saxpy.lava");
            package.Save(packagePath);
            var variant = new VariantCache(home.FullName).GetOrCompile(package, target);
            var kernel = package.Manifest.GetKernel("saxpy");
            var arguments = ArgumentBinder.Bind(kernel, ["a=2", $"x=random:{N}", $"y=ones:{N}"], home.FullName);
            var request = new RunRequest(variant.ArtifactPath, target, kernel, new NdRange([N], [64]).Resolve(kernel), arguments, Threads: 1);

            report.Append(inv, $"dispatch latency, job ready → kernel entered: saxpy ({N} floats) on {target}, {Environment.ProcessorCount} cores\n\n");
            report.Append("| path | samples | p50 ms | p99 ms | sandbox start p50 ms |\n|---|---:|---:|---:|---:|\n");
            void Row(string name, List<(double Dispatch, double Start)> rows)
            {
                var d = rows.Select(r => r.Dispatch).Order().ToArray();
                var s = rows.Select(r => r.Start).Order().ToArray();
                var line = string.Create(inv, $"| {name} | {d.Length} | {Ms(Quantile(d, 0.5))} | {Ms(Quantile(d, 0.99))} | {Quantile(s, 0.5):0.0} |\n");
                report.Append(line);
                Console.Write(line);
            }

            Row("in-process call (variant loaded)", InProcess(variant.ArtifactPath, samples));
            var kinds = new[] { SandboxKind.None, SandboxKind.Bwrap, SandboxKind.Oci }.Where(Available).ToArray();
            foreach (var kind in kinds)
            {
                var deployment = new Deployment(home.FullName);
                Row($"{Label(kind)} cold", Sandboxed(deployment, request with { Sandbox = kind }, kind == SandboxKind.Oci ? Math.Min(samples, 60) : Math.Min(samples, 150), pool: null));
            }
            foreach (var kind in kinds)
            {
                var deployment = new Deployment(home.FullName, poolSize: 2);
                try
                {
                    Row($"{Label(kind)} warm pool", Sandboxed(deployment, request with { Sandbox = kind }, samples, deployment));
                }
                finally
                {
                    deployment.DisposeAsync().AsTask().GetAwaiter().GetResult();
                }
            }
            report.Append("\nGoals: warm pool p50 ≤ 2 ms and p99 ≤ 5 ms; cold oci ≤ 50 ms.\n");
            return report.ToString();
        }
        finally
        {
            home.Delete(recursive: true);
        }
    }

    private static string Label(SandboxKind kind) => kind switch
    {
        SandboxKind.None => "plain child process",
        SandboxKind.Bwrap => "bwrap",
        _ => "oci (runc)",
    };

    private static bool Available(SandboxKind kind) => kind switch
    {
        SandboxKind.Oci => HostTools.Runc is not null && Environment.IsPrivilegedProcess,
        SandboxKind.Bwrap => HostTools.Bwrap is not null,
        _ => true,
    };

    private static List<(double, double)> Sandboxed(Deployment deployment, RunRequest request, int samples, Deployment? pool)
    {
        var rows = new List<(double, double)>();
        for (var i = -3; i < samples; i++)
        {
            pool?.Pool(request.Sandbox!.Value)?.WaitWarmAsync(WorkerImages.Native("x86_64"), request.Limits, TimeSpan.FromSeconds(60)).GetAwaiter().GetResult();
            // Job ready: the request is complete; what follows is getting it into a kernel.
            var ready = Stopwatch.GetTimestamp();
            var outcome = VariantRunner.Run(request, deployment);
            if (i >= 0)
            {
                rows.Add((Stopwatch.GetElapsedTime(ready, outcome.KernelEnteredAt).TotalMilliseconds, outcome.SandboxStartMs));
            }
        }
        return rows;
    }

    [StructLayout(LayoutKind.Sequential)]
    private unsafe struct Launch
    {
        public uint WorkDim;
        public fixed ulong Global[3];
        public fixed ulong Local[3];
        public fixed ulong Offset[3];
        public uint Threads;
        public uint NArgs;
        public void** Args;
        public ulong* LocalArgBytes;
    }

    private static unsafe List<(double, double)> InProcess(string variant, int samples)
    {
        var library = NativeLibrary.Load(variant);
        var run = (delegate* unmanaged<IntPtr, Launch*, int>)NativeLibrary.GetExport(library, "lava_run_ndrange");
        var kernel = NativeLibrary.GetExport(library, "__lava_wg_saxpy");
        var x = new float[N];
        var y = new float[N];
        var rows = new List<(double, double)>();
        var slots = stackalloc void*[2];
        var args = stackalloc void*[3];
        var locals = stackalloc ulong[3];
        var a = 2f;
        for (var i = -3; i < samples; i++)
        {
            var ready = Stopwatch.GetTimestamp();
            fixed (float* px = x, py = y)
            {
                slots[0] = px;
                slots[1] = py;
                args[0] = &a;
                args[1] = &slots[0];
                args[2] = &slots[1];
                Launch launch = default;
                launch.WorkDim = 1;
                launch.Global[0] = N;
                launch.Global[1] = launch.Global[2] = 1;
                launch.Local[0] = 64;
                launch.Local[1] = launch.Local[2] = 1;
                launch.Threads = 1;
                launch.NArgs = 3;
                launch.Args = args;
                launch.LocalArgBytes = locals;
                var entered = Stopwatch.GetTimestamp();
                if (run(kernel, &launch) != 0)
                {
                    throw new InvalidOperationException("launch failed");
                }
                if (i >= 0)
                {
                    rows.Add((Stopwatch.GetElapsedTime(ready, entered).TotalMilliseconds, 0));
                }
            }
        }
        return rows;
    }

    private static string Ms(double ms) => ms.ToString(ms < 0.01 ? "0.0000" : "0.000", CultureInfo.InvariantCulture);

    private static double Quantile(double[] sorted, double q) => sorted[Math.Min(sorted.Length - 1, (int)(q * sorted.Length))];
}
