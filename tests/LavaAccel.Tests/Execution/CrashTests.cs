using System.Diagnostics;
using LavaAccel.Execution;

namespace LavaAccel.Tests;

/// <summary>A crashing or endless kernel is an error line, never a crash or hang of lava.</summary>
public sealed class CrashTests(KernelWorkspace workspace) : IClassFixture<KernelWorkspace>
{
    private const string Kernels = """
        __kernel void oob(__global int* p)
        {
            p[get_global_id(0) * 100000000] = 1;
        }

        __kernel void spin(__global int* p)
        {
            volatile int counter = 0;
            while (1) { counter++; }
            p[0] = counter;
        }

        __kernel void fill(__global int* p)
        {
            p[get_global_id(0)] = 3 * (int)get_global_id(0);
        }
        """;

    [Theory]
    [InlineData("cpu/x86_64/x86-64-v2")]
    [InlineData("cpu/aarch64/generic")]
    public void Out_of_bounds_write_is_reported_as_SIGSEGV_and_the_next_run_succeeds(string target)
    {
        var packed = workspace.Pack("crash.cl", Kernels);
        var choice = TargetSelector.Choose(target);
        var error = Assert.ThrowsAny<LavaException>(() =>
            KernelLauncher.Launch(packed.Package, new LaunchOptions(packed.Path, "oob", [4], null, ["p=zeros:4"]), choice));
        Assert.Contains("'oob'", error.Message);
        Assert.Contains("crashed", error.Message);
        Assert.Contains("SIGSEGV", error.Message);
        Assert.Contains(target, error.Message);
        Assert.Contains("p[4]", error.Message);

        var report = KernelLauncher.Launch(packed.Package, new LaunchOptions(packed.Path, "fill", [16], null, ["p=zeros:16"]), choice);
        Assert.Equal(Enumerable.Range(0, 16).Select(i => 3 * i).ToArray(), (int[])report.Output("p").ToArray());
    }

    [Fact]
    public void Endless_kernel_is_killed_at_the_time_limit()
    {
        var packed = workspace.Pack("crash.cl", Kernels);
        var choice = TargetSelector.Choose("cpu/x86_64/x86-64-v2");
        var clock = Stopwatch.StartNew();
        var error = Assert.ThrowsAny<LavaException>(() => KernelLauncher.Launch(packed.Package,
            new LaunchOptions(packed.Path, "spin", [4], null, ["p=zeros:4"], TimeLimit: TimeSpan.FromSeconds(2)), choice));
        var elapsed = clock.Elapsed;
        Assert.Contains("'spin'", error.Message);
        Assert.Contains("time limit of 2 s", error.Message);
        Assert.Contains("killed", error.Message);
        Assert.True(elapsed.TotalSeconds >= 2.0, $"stopped after {elapsed}, before its limit"); // stopped (the call returned); no upper bound on a busy machine
    }

    [Fact]
    public void Variant_the_runner_cannot_load_is_reported_as_an_error()
    {
        // The same request runs with a real variant and fails cleanly with a missing one.
        var packed = workspace.Pack("crash.cl", Kernels);
        var compiled = workspace.Compile(packed, TargetId.Parse("cpu/x86_64/x86-64-v2"));
        var kernel = packed.Package.Manifest.GetKernel("fill");
        var arguments = ArgumentBinder.Bind(kernel, ["p=zeros:4"], workspace.Root);
        var request = new RunRequest(compiled.ArtifactPath, compiled.Target, kernel, new NdRange([4], [4]), arguments, TimeLimit: TimeSpan.FromSeconds(30));
        Assert.Equal([0, 3, 6, 9], KernelWorkspace.Output<int>(VariantRunner.Run(request), "p"));
        var missing = request with { VariantPath = Path.Combine(workspace.Root, "missing.so") };
        var error = Assert.Throws<LavaException>(() => VariantRunner.Run(missing));
        Assert.Contains("cannot load variant", error.Message);
    }
}
