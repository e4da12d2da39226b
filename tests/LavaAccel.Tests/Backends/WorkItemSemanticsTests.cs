namespace LavaAccel.Tests;

/// <summary>
/// OpenCL work-item semantics on x86-64 and AArch64: ids and sizes in every dimension, barriers,
/// local memory, program-scope constants and helpers that call work-item functions.
/// </summary>
public sealed class WorkItemSemanticsTests(KernelWorkspace workspace) : IClassFixture<KernelWorkspace>
{
    private const int Fields = 9;
    private static readonly uint[] Dimensions = [0, 1, 2, 3, 7];

    // Both kernels record through one helper; the second has barriers, so it runs in a barrier mode.
    private const string Ids = """
        void record(__global int* out, __global const uint* dims)
        {
            int i = (int)get_global_linear_id();
            __global int* o = out + i * (5 * 9 + 3);
            for (int k = 0; k < 5; k++) {
                uint d = dims[k];
                o[k * 9 + 0] = (int)get_global_id(d);
                o[k * 9 + 1] = (int)get_local_id(d);
                o[k * 9 + 2] = (int)get_group_id(d);
                o[k * 9 + 3] = (int)get_local_size(d);
                o[k * 9 + 4] = (int)get_num_groups(d);
                o[k * 9 + 5] = (int)get_global_size(d);
                o[k * 9 + 6] = (int)get_global_offset(d);
                o[k * 9 + 7] = (int)get_enqueued_local_size(d);
                o[k * 9 + 8] = (int)get_work_dim();
            }
            o[45] = (int)get_local_linear_id();
            o[46] = (int)(get_global_id(0) + get_global_size(0) * (get_global_id(1) + get_global_size(1) * get_global_id(2)));
            o[47] = (int)get_global_id(2) * 100 + (int)get_global_id(1) * 10 + (int)get_global_id(0);
        }

        __kernel void ids_loop(__global int* out, __global const uint* dims)
        {
            record(out, dims);
        }

        __kernel void ids_barrier(__global int* out, __global const uint* dims)
        {
            barrier(CLK_GLOBAL_MEM_FENCE);
            record(out, dims);
            barrier(CLK_GLOBAL_MEM_FENCE);
        }
        """;

    private const string Rotate = """
        // Each round every work-item reads its neighbours' values through __local memory.
        __kernel void rotate_sum(__global const int* in, __global int* out, __local int* scratch, int rounds)
        {
            __local int buf[64];
            int l = (int)get_local_id(0);
            int n = (int)get_local_size(0);
            int v = in[get_global_id(0)];
            int acc = 0;
            for (int r = 0; r < rounds; r++) {
                buf[l] = v;
                scratch[l] = v * 2;
                barrier(CLK_LOCAL_MEM_FENCE);
                v = buf[(l + 1) % n] + scratch[(l + n - 1) % n] / 2 + r;
                acc += v;
                barrier(CLK_LOCAL_MEM_FENCE);
            }
            out[get_global_id(0)] = acc;
        }
        """;

    // Barriers inside nested loops and a uniform branch, with a private array live across them.
    private const string Nested = """
        __kernel void nested(__global const int* in, __global int* out, __local int* tmp)
        {
            __local int buf[64];
            int l = (int)get_local_id(0), n = (int)get_local_size(0);
            int priv[4];
            for (int k = 0; k < 4; k++) priv[k] = in[get_global_id(0)] * (k + 1);
            int total = 0;
            for (int outer = 0; outer < 2; outer++) {
                buf[l] = priv[outer] + outer;
                barrier(CLK_LOCAL_MEM_FENCE);
                for (int s = n / 2; s > 0; s >>= 1) {
                    if (l < s) buf[l] += buf[l + s];
                    barrier(CLK_LOCAL_MEM_FENCE);
                }
                total += buf[0];
                if (n > 4) {
                    tmp[l] = priv[outer + 2];
                    barrier(CLK_LOCAL_MEM_FENCE);
                    total += tmp[n - 1 - l];
                }
                barrier(CLK_LOCAL_MEM_FENCE);
            }
            out[get_global_id(0)] = total * 1000 + priv[3];
        }
        """;

    // A group that returns early, and vector, double and large-array state live across barriers
    // in a loop whose trip count comes from memory.
    private const string Carried = """
        __kernel void carried(__global const float* in, __global float* out, __global const int* trips)
        {
            __local float4 shared[256];
            if (get_group_id(0) == 1) { out[get_global_id(0)] = -1.0f; return; }
            int l = (int)get_local_id(0), n = (int)get_local_size(0);
            float big[300];
            for (int k = 0; k < 300; k++) big[k] = in[get_global_id(0)] + k;
            float4 acc = (float4)(in[get_global_id(0)], 1.0f, 2.0f, 3.0f);
            double d = (double)in[get_global_id(0)] * 0.5;
            for (int t = 0; t < trips[0]; t++) {
                shared[l] = acc;
                barrier(CLK_LOCAL_MEM_FENCE);
                acc += shared[(l + 1) % n];
                d += big[(t * 7 + l) % 300];
                barrier(CLK_LOCAL_MEM_FENCE);
            }
            out[get_global_id(0)] = acc.x + acc.y + acc.z + acc.w + (float)d + big[299 - l];
        }
        """;

    private const string Table = """
        __constant float table[8] = {1.5f, -2.0f, 3.25f, 0.5f, 10.0f, -7.75f, 0.125f, 4.0f};

        float scaled(float x) { return x * (float)get_global_id(0); }

        __kernel void lookup(__global float* out)
        {
            size_t i = get_global_id(0);
            out[i] = scaled(table[i % 8]);
        }
        """;

    private const string Helpers = """
        int where_am_i(int bias) { return (int)get_global_id(0) * 1000 + (int)get_local_id(0) * 10 + (int)get_group_id(0) + bias; }

        int twice_removed(int bias) { return where_am_i(bias) - where_am_i(0); }

        __kernel void helper_loop(__global int* out)
        {
            out[get_global_id(0)] = where_am_i(0) + twice_removed(5);
        }

        __kernel void helper_barrier(__global int* out, __local int* seen)
        {
            seen[get_local_id(0)] = where_am_i(0);
            barrier(CLK_LOCAL_MEM_FENCE);
            out[get_global_id(0)] = seen[(get_local_id(0) + 1) % get_local_size(0)] + twice_removed(5);
        }
        """;

    public static TheoryData<string, string, string, string> IdCases()
    {
        var data = new TheoryData<string, string, string, string>();
        foreach (var target in new[] { "cpu/x86_64/x86-64-v2", "cpu/aarch64/generic" })
        {
            foreach (var kernel in new[] { "ids_loop", "ids_barrier" })
            {
                data.Add(target, kernel, "8,4,2", "4,2,1");
                data.Add(target, kernel, "12", "4");
                data.Add(target, kernel, "6,4", "3,2");
            }
        }
        return data;
    }

    public static TheoryData<string> Targets() => ["cpu/x86_64/x86-64-v2", "cpu/aarch64/generic"];

    // Kernels without barriers run as one work-item loop; kernels with barriers in one of the
    // barrier modes (regions by default, fibers with LAVA_BARRIERS=fibers), never as a plain loop.
    private static void AssertMode(bool hasBarrier, string mode)
    {
        if (hasBarrier)
        {
            Assert.Contains(mode, new[] { "regions", "fibers" });
        }
        else
        {
            Assert.Equal("loop", mode);
        }
    }

    private static long[] Parse(string sizes) => sizes.Split(',').Select(long.Parse).ToArray();

    [Theory]
    [MemberData(nameof(IdCases))]
    public void Work_item_functions_match_the_nd_range(string target, string kernel, string globalText, string localText)
    {
        var packed = workspace.Pack("ids.cl", Ids, "CL2.0");
        long[] global = Parse(globalText), local = Parse(localText);
        var items = (int)global.Aggregate(1L, (a, b) => a * b);
        var stride = Dimensions.Length * Fields + 3;
        var outcome = workspace.Run(packed, kernel, target, global, local,
            $"out=zeros:{items * stride}", $"dims=@{workspace.SaveNpy(Dimensions)}");
        var got = KernelWorkspace.Output<int>(outcome, "out");
        AssertMode(kernel == "ids_barrier", workspace.Compile(packed, TargetId.Parse(target)).KernelModes[kernel]);

        long Size(long[] sizes, int d) => d < sizes.Length ? sizes[d] : 1;
        var g = new long[3];
        for (g[2] = 0; g[2] < Size(global, 2); g[2]++)
        {
            for (g[1] = 0; g[1] < Size(global, 1); g[1]++)
            {
                for (g[0] = 0; g[0] < Size(global, 0); g[0]++)
                {
                    var linear = (int)(g[0] + Size(global, 0) * (g[1] + Size(global, 1) * g[2]));
                    var expected = new List<long>();
                    foreach (var d in Dimensions)
                    {
                        expected.AddRange(d < 3
                            ? [g[d], g[d] % Size(local, (int)d), g[d] / Size(local, (int)d), Size(local, (int)d), Size(global, (int)d) / Size(local, (int)d), Size(global, (int)d), 0, Size(local, (int)d), global.Length]
                            : [0, 0, 0, 1, 1, 1, 0, 1, global.Length]);
                    }
                    var l = new long[3];
                    for (var d = 0; d < 3; d++)
                    {
                        l[d] = g[d] % Size(local, d);
                    }
                    expected.Add(l[0] + Size(local, 0) * (l[1] + Size(local, 1) * l[2]));
                    expected.Add(linear);
                    expected.Add(g[2] * 100 + g[1] * 10 + g[0]);
                    var actual = got.AsSpan(linear * stride, stride).ToArray();
                    Assert.True(expected.Select(e => (int)e).SequenceEqual(actual),
                        $"work-item ({g[0]},{g[1]},{g[2]}) of {kernel} on {target}: expected [{string.Join(",", expected)}], got [{string.Join(",", actual)}]");
                }
            }
        }
    }

    [Theory]
    [InlineData("cpu/x86_64/x86-64-v2", 8)]
    [InlineData("cpu/x86_64/x86-64-v2", 64)]
    [InlineData("cpu/aarch64/generic", 8)]
    [InlineData("cpu/aarch64/generic", 16)]
    public void Barrier_in_a_loop_synchronises_local_array_and_local_pointer_argument(string target, int localSize)
    {
        const int Global = 128, Rounds = 4;
        var packed = workspace.Pack("rotate.cl", Rotate);
        var input = Enumerable.Range(0, Global).Select(i => (i * 37) % 101 - 50).ToArray();
        var outcome = workspace.Run(packed, "rotate_sum", target, [Global], [localSize],
            $"in=@{workspace.SaveNpy(input)}", "out=zeros:128", $"scratch=local:{localSize}", $"rounds={Rounds}");
        AssertMode(hasBarrier: true, workspace.Compile(packed, TargetId.Parse(target)).KernelModes["rotate_sum"]);

        var expected = new int[Global];
        for (var group = 0; group < Global / localSize; group++)
        {
            var v = input.Skip(group * localSize).Take(localSize).ToArray();
            var acc = new int[localSize];
            for (var r = 0; r < Rounds; r++)
            {
                v = Enumerable.Range(0, localSize).Select(l => v[(l + 1) % localSize] + v[(l + localSize - 1) % localSize] + r).ToArray();
                for (var l = 0; l < localSize; l++)
                {
                    acc[l] += v[l];
                }
            }
            acc.CopyTo(expected, group * localSize);
        }
        Assert.Equal(expected, KernelWorkspace.Output<int>(outcome, "out"));
    }

    [Theory]
    [InlineData("cpu/x86_64/x86-64-v4", 16)]
    [InlineData("cpu/x86_64/x86-64-v2", 4)]
    [InlineData("cpu/aarch64/generic", 16)]
    [InlineData("cpu/aarch64/generic", 64)]
    public void Barriers_in_nested_loops_and_branches_keep_private_arrays_per_work_item(string target, int localSize)
    {
        const int Global = 128;
        var packed = workspace.Pack("nested.cl", Nested);
        var input = Enumerable.Range(0, Global).Select(i => (i * 13) % 29 - 7).ToArray();
        var outcome = workspace.Run(packed, "nested", target, [Global], [localSize],
            $"in=@{workspace.SaveNpy(input)}", $"out=zeros:{Global}", $"tmp=local:{localSize}");
        AssertMode(hasBarrier: true, workspace.Compile(packed, TargetId.Parse(target)).KernelModes["nested"]);

        var expected = new int[Global];
        for (var group = 0; group < Global / localSize; group++)
        {
            int Priv(int l, int k) => input[group * localSize + l] * (k + 1);
            for (var l = 0; l < localSize; l++)
            {
                var total = 0;
                for (var outer = 0; outer < 2; outer++)
                {
                    total += Enumerable.Range(0, localSize).Sum(m => Priv(m, outer) + outer);
                    if (localSize > 4)
                    {
                        total += Priv(localSize - 1 - l, outer + 2);
                    }
                }
                expected[group * localSize + l] = total * 1000 + Priv(l, 3);
            }
        }
        Assert.Equal(expected, KernelWorkspace.Output<int>(outcome, "out"));
    }

    [Theory]
    [InlineData("cpu/x86_64/x86-64-v4")]
    [InlineData("cpu/aarch64/generic")]
    public void Vectors_doubles_and_private_arrays_survive_barriers_and_early_return(string target)
    {
        const int Global = 1024, Local = 256, Trips = 3;
        var packed = workspace.Pack("carried.cl", Carried, "CL1.2");
        var outcome = workspace.Run(packed, "carried", target, [Global], [Local],
            "in=range:1024", "out=zeros:1024", $"trips=@{workspace.SaveNpy(new[] { Trips })}");
        AssertMode(hasBarrier: true, workspace.Compile(packed, TargetId.Parse(target)).KernelModes["carried"]);

        var expected = new float[Global];
        for (var group = 0; group < Global / Local; group++)
        {
            if (group == 1)
            {
                Array.Fill(expected, -1f, Local, Local);
                continue;
            }
            var input = Enumerable.Range(group * Local, Local).Select(i => (float)i).ToArray();
            var acc = input.Select(v => new[] { v, 1f, 2f, 3f }).ToArray();
            var d = input.Select(v => v * 0.5).ToArray();
            for (var t = 0; t < Trips; t++)
            {
                var shared = acc.Select(a => (float[])a.Clone()).ToArray();
                for (var l = 0; l < Local; l++)
                {
                    acc[l] = Enumerable.Range(0, 4).Select(c => acc[l][c] + shared[(l + 1) % Local][c]).ToArray();
                    d[l] += input[l] + (t * 7 + l) % 300;
                }
            }
            for (var l = 0; l < Local; l++)
            {
                expected[group * Local + l] = acc[l][0] + acc[l][1] + acc[l][2] + acc[l][3] + (float)d[l] + (input[l] + 299 - l);
            }
        }
        Assert.Equal(expected, KernelWorkspace.Output<float>(outcome, "out"));
    }

    [Theory]
    [MemberData(nameof(Targets))]
    public void Program_scope_constant_table_is_read_by_the_kernel(string target)
    {
        float[] table = [1.5f, -2.0f, 3.25f, 0.5f, 10.0f, -7.75f, 0.125f, 4.0f];
        var packed = workspace.Pack("table.cl", Table);
        var outcome = workspace.Run(packed, "lookup", target, [40], null, "out=zeros:40");
        Assert.Equal(Enumerable.Range(0, 40).Select(i => table[i % 8] * i).ToArray(), KernelWorkspace.Output<float>(outcome, "out"));
    }

    [Theory]
    [MemberData(nameof(Targets))]
    public void Helper_function_calling_get_global_id_sees_the_calling_work_item(string target)
    {
        var packed = workspace.Pack("helpers.cl", Helpers);
        static int WhereAmI(int gid, int local) => gid * 1000 + gid % local * 10 + gid / local;

        var loop = KernelWorkspace.Output<int>(workspace.Run(packed, "helper_loop", target, [32], [8], "out=zeros:32"), "out");
        Assert.Equal(Enumerable.Range(0, 32).Select(i => WhereAmI(i, 8) + 5).ToArray(), loop);

        var barrier = KernelWorkspace.Output<int>(workspace.Run(packed, "helper_barrier", target, [32], [8], "out=zeros:32", "seen=local:8"), "out");
        Assert.Equal(Enumerable.Range(0, 32).Select(i => WhereAmI(i / 8 * 8 + (i % 8 + 1) % 8, 8) + 5).ToArray(), barrier);

        var modes = workspace.Compile(packed, TargetId.Parse(target)).KernelModes;
        AssertMode(hasBarrier: false, modes["helper_loop"]);
        AssertMode(hasBarrier: true, modes["helper_barrier"]);
    }
}
