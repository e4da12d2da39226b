using LavaAccel.Execution;

namespace LavaAccel.Tests;

/// <summary>The path of one launch: inputs, target choice, repetitions and what comes back.</summary>
public sealed class LaunchTests(KernelWorkspace workspace) : IClassFixture<KernelWorkspace>
{
    private const string Kernels = """
        __kernel void saxpy(float a, __global const float* x, __global float* y)
        {
            size_t i = get_global_id(0);
            y[i] = a * x[i] + y[i];
        }

        __kernel void vec3(__global float3* v, __global const float3* w, float3 s, int4 lanes, __global int* picked)
        {
            size_t i = get_global_id(0);
            v[i] = v[i] * 2.0f + w[i] + s;
            picked[i] = lanes.s0 + 10 * lanes.s1 + 100 * lanes.s2 + 1000 * lanes.s3;
        }
        """;

    private PackedSource Packed => workspace.Pack("launch.cl", Kernels);

    [Fact]
    public void Repeated_runs_restore_the_inputs_between_repetitions()
    {
        var report = KernelLauncher.Launch(Packed.Package,
            new LaunchOptions(Packed.Path, "saxpy", [256], null, ["a=3", "x=range:256", "y=ones:256"], Repeat: 5),
            TargetSelector.Choose("cpu/x86_64/x86-64-v2"));
        // Five runs of y = 3x + y from y = 1 must still give 3x + 1, not 15x + 1.
        Assert.Equal(Enumerable.Range(0, 256).Select(i => 3f * i + 1f).ToArray(), (float[])report.Output("y").ToArray());
        Assert.Equal(5, report.Outcome.KernelMs.Count);
        Assert.Equal(report.Outcome.KernelMs.Order().ToArray(), report.Outcome.KernelMs);
        Assert.Equal("loop", report.Variant.Entry.KernelModes["saxpy"]);
        Assert.Equal([256L], report.Range.Local!);
    }

    [Fact]
    public void Read_only_buffers_are_not_written_back()
    {
        var report = KernelLauncher.Launch(Packed.Package,
            new LaunchOptions(Packed.Path, "saxpy", [16], [4], ["a=1", "x=ones:16", "y=zeros:16"]),
            TargetSelector.Choose("cpu/x86_64/x86-64-v2"));
        Assert.False(report.Outcome.Buffers.ContainsKey("x"));
        Assert.True(report.Outcome.Buffers.ContainsKey("y"));
        Assert.Equal(Enumerable.Repeat(1f, 16).ToArray(), (float[])report.Output("x").ToArray());
        Assert.Equal(16 * 4 + 2 * 16 * 4, report.BufferBytes);
        var error = Assert.Throws<LavaException>(() => report.Output("a"));
        Assert.Contains("not a buffer", error.Message);
    }

    [Theory]
    [InlineData("cpu/x86_64/x86-64-v4")]
    [InlineData("cpu/aarch64/generic")]
    public void Three_wide_vectors_and_vector_scalars_reach_the_kernel(string target)
    {
        var v = workspace.SaveNpy(Enumerable.Range(0, 12).Select(i => (float)i).ToArray());
        var outcome = workspace.Run(Packed, "vec3", target, [4], null, $"v=@{v}", "w=range:4", "s=100,200,300", "lanes=1,2,3,4", "picked=zeros:4");
        // float3 occupies four floats in memory; the fourth lane of each element is padding.
        var raw = KernelWorkspace.Output<float>(outcome, "v");
        Assert.Equal(16, raw.Length);
        for (var i = 0; i < 4; i++)
        {
            Assert.Equal([3 * i * 2f + i + 100, (3 * i + 1) * 2f + i + 200, (3 * i + 2) * 2f + i + 300], raw[(4 * i)..(4 * i + 3)]);
        }
        Assert.Equal([4321, 4321, 4321, 4321], KernelWorkspace.Output<int>(outcome, "picked"));
    }

    [Fact]
    public void Three_wide_output_is_returned_without_padding()
    {
        var report = KernelLauncher.Launch(Packed.Package,
            new LaunchOptions(Packed.Path, "vec3", [2], null, ["v=ones:2", "w=zeros:2", "s=0", "lanes=0", "picked=zeros:2"]),
            TargetSelector.Choose("cpu/x86_64/x86-64-v2"));
        var output = report.Output("v");
        Assert.Equal([2L, 3L], output.Shape);
        Assert.Equal([2f, 2f, 2f, 2f, 2f, 2f], (float[])output.ToArray());
    }

    [Fact]
    public void Auto_always_means_the_scheduler()
    {
        Assert.Null(TargetSelector.Parse("auto"));
        Assert.Null(TargetSelector.Parse(""));
        Assert.Contains("scheduler", Assert.Throws<LavaException>(() => TargetSelector.Choose("auto")).Message);
        var report = KernelLauncher.Launch(Packed.Package, new LaunchOptions(Packed.Path, "saxpy", [64], null, ["a=2", "x=ones:64", "y=ones:64"]), null);
        Assert.StartsWith("scheduler:", report.Choice.Reason);
        Assert.Contains(report.Choice.Target, RunnableTargets.Cpu.Concat(RunnableTargets.OpenCl));
        // The benchmarks' default: the best x86-64 tier this machine runs natively.
        var tiers = new[] { "x86-64-v2", "x86-64-v3", "x86-64-v4" };
        var best = tiers.Last(t => RunnableTargets.Cpu.Contains(new TargetId("cpu", "x86_64", t)));
        Assert.Equal(best, LocalPlacement.BestCpuTarget().Model);
    }

    [Theory]
    [InlineData("cpu/x86_64/pentium", "unknown target")]
    [InlineData("nvptx/sm_90/x", "unknown target")]
    [InlineData("x86_64", "is not a target id")]
    [InlineData("cpu//v2", "is not a target id")]
    public void Unknown_or_malformed_target_is_refused(string target, string expected)
    {
        var error = Assert.Throws<LavaException>(() => TargetSelector.Choose(target));
        Assert.Contains(expected, error.Message);
    }

    [Fact]
    public void Defines_apply_only_when_running_a_source_file()
    {
        var error = Assert.Throws<LavaException>(() => KernelLauncher.OpenInput(Packed.Path, ["N=4"]));
        Assert.Contains("-D", error.Message);
        Assert.Equal(Packed.Package.Digest, KernelLauncher.OpenInput(Packed.Path, null).Digest);
    }

    [Fact]
    public void Unknown_kernel_is_refused_before_compiling()
    {
        var error = Assert.Throws<LavaException>(() => KernelLauncher.Launch(Packed.Package,
            new LaunchOptions(Packed.Path, "sgemm", [4], null, []), TargetSelector.Choose("cpu/x86_64/x86-64-v2")));
        Assert.Contains("no kernel 'sgemm'", error.Message);
        Assert.Contains("saxpy, vec3", error.Message);
    }
}
