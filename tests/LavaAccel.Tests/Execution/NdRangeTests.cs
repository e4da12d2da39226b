using LavaAccel.Execution;

namespace LavaAccel.Tests;

/// <summary>ND-ranges: parsing <c>--global</c>/<c>--local</c>, checking, and the default local size.</summary>
public sealed class NdRangeTests
{
    private static readonly KernelSignature Kernel = new("k", [new KernelArgument("o", "int*", AddressSpace.Global, ScalarType.Int, 1, false, true)]);

    private static readonly KernelSignature Required = Kernel with { Name = "fixed", RequiredWorkGroupSize = [8, 1, 1] };

    private static long[]? Sizes(string text) => text.Length == 0 ? null : text.Split(',').Select(long.Parse).ToArray();

    [Theory]
    [InlineData("8", new long[] { 8 })]
    [InlineData("512, 256", new long[] { 512, 256 })]
    [InlineData("4,3,2", new long[] { 4, 3, 2 })]
    public void Sizes_parse_in_one_to_three_dimensions(string text, long[] expected)
    {
        Assert.Equal(expected, NdRange.ParseSizes(text, "--global"));
    }

    [Fact]
    public void More_than_three_dimensions_are_refused()
    {
        var error = Assert.Throws<LavaException>(() => NdRange.ParseSizes("2,2,2,2", "--global"));
        Assert.Contains("--global", error.Message);
        Assert.Contains("1 to 3", error.Message);
    }

    [Theory]
    [InlineData("0")]
    [InlineData("-4")]
    [InlineData("8,0")]
    [InlineData("4,-1,2")]
    [InlineData("eight")]
    [InlineData("")]
    public void Zero_negative_or_non_numeric_sizes_are_refused(string text)
    {
        var error = Assert.Throws<LavaException>(() => NdRange.ParseSizes(text, "--local"));
        Assert.Contains("--local", error.Message);
        Assert.Contains("not a positive integer", error.Message);
    }

    [Theory]
    [InlineData("12", "5", "12", "5", "0")]
    [InlineData("64,48", "8,10", "48", "10", "1")]
    public void Global_size_not_divisible_by_local_size_is_refused(string global, string local, string g, string l, string dimension)
    {
        var error = Assert.Throws<LavaException>(() => new NdRange(Sizes(global)!, Sizes(local)).Resolve(Kernel));
        Assert.Contains($"global size {g} is not divisible by local size {l} in dimension {dimension}", error.Message);
    }

    [Theory]
    [InlineData("0", "")]
    [InlineData("-8", "")]
    [InlineData("8", "0")]
    [InlineData("8", "-2")]
    [InlineData("8,1,1,1", "")]
    [InlineData("8,1,1,1", "8,1,1,1")]
    public void Resolve_refuses_ranges_that_are_not_one_to_three_positive_sizes(string global, string local)
    {
        // KernelLauncher.Launch takes sizes as numbers, not text: Resolve is the only check they pass.
        var range = new NdRange(Sizes(global)!, Sizes(local));
        Assert.Throws<LavaException>(() => range.Resolve(Kernel));
    }

    [Fact]
    public void Local_size_with_other_dimensions_than_global_is_refused()
    {
        var error = Assert.Throws<LavaException>(() => new NdRange([8, 8], [8]).Resolve(Kernel));
        Assert.Contains("--local has 1 dimensions but --global has 2", error.Message);
    }

    [Fact]
    public void Work_group_larger_than_the_CPU_limit_is_refused()
    {
        var error = Assert.Throws<LavaException>(() => new NdRange([8192], [8192]).Resolve(Kernel));
        Assert.Contains("8192", error.Message);
        Assert.Contains("4096", error.Message);
    }

    [Theory]
    [InlineData(new long[] { 1 }, new long[] { 1 })]
    [InlineData(new long[] { 7 }, new long[] { 7 })]
    [InlineData(new long[] { 997 }, new long[] { 1 })]
    [InlineData(new long[] { 1000 }, new long[] { 250 })]
    [InlineData(new long[] { 4096 }, new long[] { 256 })]
    [InlineData(new long[] { 1 << 20 }, new long[] { 256 })]
    [InlineData(new long[] { 96, 7 }, new long[] { 96, 1 })]
    [InlineData(new long[] { 300, 6, 5 }, new long[] { 150, 1, 1 })]
    public void Default_local_size_is_the_largest_divisor_up_to_256(long[] global, long[] expected)
    {
        var resolved = new NdRange(global, null).Resolve(Kernel);
        Assert.Equal(expected, resolved.Local);
        Assert.Equal(global, resolved.Global);
        for (var d = 0; d < global.Length; d++)
        {
            Assert.Equal(0, global[d] % resolved.Local![d]);
        }
    }

    [Fact]
    public void Required_work_group_size_is_the_default_and_is_enforced()
    {
        Assert.Equal([8L], new NdRange([64], null).Resolve(Required).Local!);
        Assert.Equal([8L], new NdRange([64], [8]).Resolve(Required).Local!);
        var error = Assert.Throws<LavaException>(() => new NdRange([64], [16]).Resolve(Required));
        Assert.Contains("'fixed'", error.Message);
        Assert.Contains("(8,1,1)", error.Message);
    }

    [Fact]
    public void Total_work_items_is_the_product_of_the_global_sizes()
    {
        Assert.Equal(8 * 4 * 2, new NdRange([8, 4, 2], null).TotalWorkItems);
        Assert.Equal(3, new NdRange([8, 4, 2], null).Dimensions);
    }
}
