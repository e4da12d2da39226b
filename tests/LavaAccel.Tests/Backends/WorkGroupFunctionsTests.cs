using System.Numerics;

namespace LavaAccel.Tests;

/// <summary>
/// Work-group builtins of the library (runtime/builtins/async_copy.cl, generic_workgroup.cl):
/// async_work_group_copy / async_work_group_strided_copy with wait_group_events, and the OpenCL C
/// 2.0 collectives (all, any, broadcast, reduce, inclusive and exclusive scans) for int, uint, long,
/// ulong, float and double over 1-D and 2-D work-groups, on x86-64 and AArch64, against C#.
/// </summary>
public sealed class WorkGroupFunctionsTests(KernelWorkspace workspace) : IClassFixture<KernelWorkspace>
{
    private static readonly string[] TargetNames = ["cpu/x86_64/x86-64-v2", "cpu/aarch64/generic"];

    public static TheoryData<string> Targets() => new(TargetNames);

    private const string AsyncSource = """
        // Each group copies a tile of `len` floats (more than its work-items) into __local memory,
        // combines it with its mirror image into a second tile and copies that back out.
        __kernel void tiled(__global const float *x, __global float *out, __local float *tile, __local float *res, uint len)
        {
            size_t lid = get_local_id(0), w = get_local_size(0), base = get_group_id(0) * len;
            event_t e = async_work_group_copy(tile, x + base, len, 0);
            wait_group_events(1, &e);
            for (size_t i = lid; i < len; i += w)
                res[i] = 2.0f * tile[len - 1 - i] + tile[i];
            barrier(CLK_LOCAL_MEM_FENCE);
            e = async_work_group_copy(out + base, (const __local float *)res, len, 0);
            wait_group_events(1, &e);
        }

        // Gathers every second int4 of the group's span, adds (1,2,3,4) and the int4 after it to
        // each and scatters the results to the odd positions of the output; two copies share one event.
        __kernel void strided(__global const int4 *src, __global int4 *dst, __local int4 *tile, __local int4 *copy)
        {
            size_t n = get_local_size(0), lid = get_local_id(0), base = get_group_id(0) * 2 * n;
            event_t e = async_work_group_strided_copy(tile, src + base, n, 2, 0);
            e = async_work_group_copy(copy, src + base, 2 * n, e);
            wait_group_events(1, &e);
            tile[lid] += (int4)(1, 2, 3, 4) + copy[2 * lid + 1];
            barrier(CLK_LOCAL_MEM_FENCE);
            event_t events[1];
            events[0] = async_work_group_strided_copy(dst + base + 1, (const __local int4 *)tile, n, 2, 0);
            wait_group_events(1, events);
        }
        """;

    // Ten results per type and work-item: reduce add/min/max, inclusive scans add/min/max,
    // exclusive scans add/min/max, one broadcast; the kernels differ in the broadcast forms.
    private const string CollectivesSource = """
        #pragma OPENCL EXTENSION cl_khr_fp64 : enable
        #define COLLECT(T, X, OUT, SLOTS, BCAST)                                        \
          {                                                                             \
            T x = (X);                                                                  \
            __global T *p = OUT + item * SLOTS;                                         \
            p[0] = work_group_reduce_add(x); p[1] = work_group_reduce_min(x);           \
            p[2] = work_group_reduce_max(x);                                            \
            p[3] = work_group_scan_inclusive_add(x); p[4] = work_group_scan_inclusive_min(x); \
            p[5] = work_group_scan_inclusive_max(x);                                    \
            p[6] = work_group_scan_exclusive_add(x); p[7] = work_group_scan_exclusive_min(x); \
            p[8] = work_group_scan_exclusive_max(x);                                    \
            p[9] = BCAST;                                                               \
          }
        #define ALL_TYPES(B1, B2)                                                       \
          int a = in[item];                                                             \
          COLLECT(int, a, oi, 14, B1)                                                   \
          COLLECT(uint, (uint)(a + 1000) * 3000000u, ou, 10, B2)                        \
          COLLECT(long, (long)a * 100000000000L, ol, 10, B1)                            \
          COLLECT(ulong, (ulong)(a + 1000) << 40, oul, 10, B2)                          \
          COLLECT(float, (float)a * 0.5f, of, 10, B1)                                   \
          COLLECT(double, (double)a * 0.25, od, 10, B2)                                 \
          __global int *q = oi + item * 14;                                             \
          q[10] = work_group_any(a > 900);                                              \
          q[11] = work_group_all(a > -900);                                             \
          q[12] = work_group_any(group == 1 && get_local_linear_id() == 0);             \
          q[13] = work_group_all(group != 2 || get_local_linear_id() != 10);

        __kernel void wg1d(__global const int *in, __global int *oi, __global uint *ou, __global long *ol,
                           __global ulong *oul, __global float *of, __global double *od)
        {
            size_t item = get_global_id(0), group = get_group_id(0);
            ALL_TYPES(work_group_broadcast(x, 37), work_group_broadcast(x, (size_t)group * 5))
        }

        __kernel void wg2d(__global const int *in, __global int *oi, __global uint *ou, __global long *ol,
                           __global ulong *oul, __global float *of, __global double *od)
        {
            size_t item = get_global_linear_id();
            size_t group = get_group_id(1) * get_num_groups(0) + get_group_id(0);
            ALL_TYPES(work_group_broadcast(x, 3, 5), work_group_broadcast(x, (size_t)7, (size_t)group % 8, (size_t)0))
        }
        """;

    private static void AssertMode(string mode, string what) =>
        Assert.True(mode is "regions" or "fibers", $"{what} runs as '{mode}', expected regions or fibers (it has barriers)");

    [Theory]
    [MemberData(nameof(Targets))]
    public void Async_copy_tiles_through_local_memory(string target)
    {
        const int Groups = 4, Local = 64, Len = 256;
        var packed = workspace.Pack("async.cl", AsyncSource);
        var x = Enumerable.Range(0, Groups * Len).Select(i => (float)((i * 7919) % 1000) - 500f).ToArray();
        var outcome = workspace.Run(packed, "tiled", target, [Groups * Local], [Local],
            $"x=@{workspace.SaveNpy(x)}", $"out=zeros:{Groups * Len}", $"tile=local:{Len}", $"res=local:{Len}", $"len={Len}");
        AssertMode(workspace.Compile(packed, TargetId.Parse(target)).KernelModes["tiled"], $"tiled on {target}");
        var got = KernelWorkspace.Output<float>(outcome, "out");
        for (var g = 0; g < Groups; g++)
        {
            for (var i = 0; i < Len; i++)
            {
                var expected = 2.0f * x[g * Len + Len - 1 - i] + x[g * Len + i];
                Assert.True(expected == got[g * Len + i], $"out[{g * Len + i}] on {target}: expected {expected}, got {got[g * Len + i]}");
            }
        }
    }

    [Theory]
    [MemberData(nameof(Targets))]
    public void Async_strided_copy_gathers_and_scatters_vectors(string target)
    {
        const int Groups = 3, Local = 32, Vectors = Groups * 2 * Local;
        var packed = workspace.Pack("async.cl", AsyncSource);
        var src = Enumerable.Range(0, 4 * Vectors).Select(i => i * 3 - 1000).ToArray();
        var outcome = workspace.Run(packed, "strided", target, [Groups * Local], [Local],
            $"src=@{workspace.SaveNpy(src)}", $"dst=zeros:{Vectors}", $"tile=local:{Local}", $"copy=local:{2 * Local}");
        AssertMode(workspace.Compile(packed, TargetId.Parse(target)).KernelModes["strided"], $"strided on {target}");
        var got = KernelWorkspace.Output<int>(outcome, "dst");
        var expected = new int[4 * Vectors];
        for (var g = 0; g < Groups; g++)
        {
            for (var i = 0; i < Local; i++)
            {
                var from = g * 2 * Local + 2 * i;
                for (var c = 0; c < 4; c++)
                {
                    expected[4 * (from + 1) + c] = src[4 * from + c] + c + 1 + src[4 * (from + 1) + c];
                }
            }
        }
        Assert.Equal(expected, got);
    }

    // The ten collective results of one work-item of a group (values in local linear order).
    private static T[] Expected<T>(T[] v, int lid, T minIdentity, T maxIdentity, int broadcastFrom) where T : INumber<T>
    {
        T reduceMin = v.Aggregate(T.Min), reduceMax = v.Aggregate(T.Max);
        var sum = T.Zero;
        foreach (var e in v)
        {
            sum += e;
        }
        T inclAdd = T.Zero, inclMin = maxIdentity, inclMax = minIdentity;
        T exclAdd = T.Zero, exclMin = maxIdentity, exclMax = minIdentity;
        for (var i = 0; i <= lid; i++)
        {
            if (i == lid)
            {
                exclAdd = inclAdd;
                exclMin = inclMin;
                exclMax = inclMax;
            }
            inclAdd += v[i];
            inclMin = T.Min(inclMin, v[i]);
            inclMax = T.Max(inclMax, v[i]);
        }
        return [sum, reduceMin, reduceMax, inclAdd, inclMin, inclMax, exclAdd, exclMin, exclMax, v[broadcastFrom]];
    }

    private static void Check<T>(string what, T[] got, int slots, int[][] groupItems, Func<int, T> value, T minIdentity, T maxIdentity,
        Func<int, int> broadcast1, Func<int, int> broadcast2, bool useFirst) where T : INumber<T>
    {
        for (var g = 0; g < groupItems.Length; g++)
        {
            var items = groupItems[g];
            var v = items.Select(value).ToArray();
            var from = useFirst ? broadcast1(g) : broadcast2(g);
            for (var lid = 0; lid < items.Length; lid++)
            {
                var expected = Expected(v, lid, minIdentity, maxIdentity, from);
                var actual = got.AsSpan(items[lid] * slots, 10).ToArray();
                Assert.True(expected.SequenceEqual(actual),
                    $"{what}: work-item {items[lid]} (group {g}, local {lid}): expected [{string.Join(", ", expected)}], got [{string.Join(", ", actual)}]");
            }
        }
    }

    public static TheoryData<string, string> CollectiveCases()
    {
        var cases = new TheoryData<string, string>();
        foreach (var target in TargetNames)
        {
            cases.Add(target, "wg1d");
            cases.Add(target, "wg2d");
        }
        return cases;
    }

    [Theory]
    [MemberData(nameof(CollectiveCases))]
    public void Collectives_match_CSharp(string target, string kernel)
    {
        var twoD = kernel == "wg2d";
        long[] global = twoD ? [32, 16] : [256], local = twoD ? [8, 8] : [64];
        var items = (int)global.Aggregate(1L, (a, b) => a * b);
        var random = new Random(20_250_101);
        var input = Enumerable.Range(0, items).Select(_ => random.Next(-1000, 1001)).ToArray();

        // Global linear ids of each group's work-items, in local linear order.
        int[][] groupItems;
        if (twoD)
        {
            const int GroupsX = 4, GroupsY = 2;
            groupItems = new int[GroupsX * GroupsY][];
            for (var gy = 0; gy < GroupsY; gy++)
            {
                for (var gx = 0; gx < GroupsX; gx++)
                {
                    groupItems[gy * GroupsX + gx] = Enumerable.Range(0, 64).Select(l => (gy * 8 + l / 8) * 32 + gx * 8 + l % 8).ToArray();
                }
            }
        }
        else
        {
            groupItems = Enumerable.Range(0, 4).Select(g => Enumerable.Range(g * 64, 64).ToArray()).ToArray();
        }
        // Broadcast sources as local linear ids: 1-D (37) and (5 * group); 2-D (3, 5) and (7, group % 8, 0).
        Func<int, int> b1 = twoD ? _ => 5 * 8 + 3 : _ => 37;
        Func<int, int> b2 = twoD ? g => g % 8 * 8 + 7 : g => 5 * g;

        var packed = workspace.Pack("collectives.cl", CollectivesSource, "CL2.0");
        var outcome = workspace.Run(packed, kernel, target, global, local,
            $"in=@{workspace.SaveNpy(input)}", $"oi=zeros:{items * 14}", $"ou=zeros:{items * 10}", $"ol=zeros:{items * 10}",
            $"oul=zeros:{items * 10}", $"of=zeros:{items * 10}", $"od=zeros:{items * 10}");
        AssertMode(workspace.Compile(packed, TargetId.Parse(target)).KernelModes[kernel], $"{kernel} on {target}");

        var where = $"{kernel} on {target}";
        Check($"int {where}", KernelWorkspace.Output<int>(outcome, "oi"), 14, groupItems, i => input[i], int.MinValue, int.MaxValue, b1, b2, true);
        Check($"uint {where}", KernelWorkspace.Output<uint>(outcome, "ou"), 10, groupItems, i => unchecked((uint)(input[i] + 1000) * 3_000_000u),
            uint.MinValue, uint.MaxValue, b1, b2, false);
        Check($"long {where}", KernelWorkspace.Output<long>(outcome, "ol"), 10, groupItems, i => input[i] * 100_000_000_000L, long.MinValue, long.MaxValue, b1, b2, true);
        Check($"ulong {where}", KernelWorkspace.Output<ulong>(outcome, "oul"), 10, groupItems, i => (ulong)(input[i] + 1000) << 40,
            ulong.MinValue, ulong.MaxValue, b1, b2, false);
        Check($"float {where}", KernelWorkspace.Output<float>(outcome, "of"), 10, groupItems, i => input[i] * 0.5f, float.NegativeInfinity, float.PositiveInfinity, b1, b2, true);
        Check($"double {where}", KernelWorkspace.Output<double>(outcome, "od"), 10, groupItems, i => input[i] * 0.25, double.NegativeInfinity, double.PositiveInfinity, b1, b2, false);

        var oi = KernelWorkspace.Output<int>(outcome, "oi");
        for (var g = 0; g < groupItems.Length; g++)
        {
            var v = groupItems[g].Select(i => input[i]).ToArray();
            int[] expected = [v.Any(a => a > 900) ? 1 : 0, v.All(a => a > -900) ? 1 : 0, g == 1 ? 1 : 0, g == 2 ? 0 : 1];
            foreach (var item in groupItems[g])
            {
                var actual = oi.AsSpan(item * 14 + 10, 4).ToArray();
                Assert.True(expected.SequenceEqual(actual),
                    $"any/all {where}: work-item {item} (group {g}): expected [{string.Join(", ", expected)}], got [{string.Join(", ", actual)}]");
            }
        }
    }
}
