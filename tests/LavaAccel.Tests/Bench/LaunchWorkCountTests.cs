using LavaAccel.Backends.Analysis;
using LavaAccel.Toolchain;

namespace LavaAccel.Tests;

/// <summary>FLOPs per work-item from the IR with the launch's loop trip counts (what lava bench's GFLOP/s divides).</summary>
public sealed class LaunchWorkCountTests
{
    private static Package Pack(string kernel) => PackageBuilder.Pack(LavaCli.RepoFile($"kernels/{kernel}"), new PackOptions([]));

    private static LaunchValues Values(long[] global, long[] local, params (int Index, long Value)[] scalars) =>
        new(scalars.ToDictionary(s => s.Index, s => s.Value), global, local);

    [Theory]
    [InlineData("sgemm_naive", 512)]
    [InlineData("sgemm_naive", 96)]
    [InlineData("sgemm_tiled", 512)]
    public void Sgemm_counts_two_flops_per_k(string kernel, long k)
    {
        var work = WorkEstimator.PerWorkItem(Pack("sgemm.cl"), kernel, Values([512, 512], [16, 16], (0, 512), (1, 512), (2, k)));
        Assert.True(work.LoopsResolved);
        Assert.Equal(2.0 * k, work.Flops);
    }

    [Fact]
    public void Saxpy_has_no_loop_and_one_fused_multiply_add()
    {
        var work = WorkEstimator.PerWorkItem(Pack("saxpy.cl"), "saxpy", Values([4096], [256]));
        Assert.True(work.LoopsResolved);
        Assert.Equal(2, work.Flops);
        Assert.Equal(12, work.Bytes); // x read, y read and written
    }

    [Fact]
    public void A_halving_loop_counts_log2_of_the_work_group()
    {
        var work = WorkEstimator.PerWorkItem(Pack("reduction.cl"), "reduce_sum", Values([4096], [256]));
        Assert.True(work.LoopsResolved);
        Assert.InRange(work.Flops, 7, 9); // stride 128, 64 … 1: one add per step (counted for every work-item)
    }

    [Fact]
    public void Without_a_launch_loops_keep_the_schedulers_static_weight()
    {
        var work = WorkEstimator.PerWorkItem(Pack("sgemm.cl"), "sgemm_naive", null);
        Assert.False(work.LoopsResolved);
        Assert.Equal(2.0 * WorkEstimator.LoopWeight, work.Flops);
    }
}
