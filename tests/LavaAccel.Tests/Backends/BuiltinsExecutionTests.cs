using System.Numerics;

namespace LavaAccel.Tests;

/// <summary>
/// OpenCL builtins executed on the widest x86-64 tier (512-bit vectors across work-items) and on
/// AArch64: math, integer, geometric, vload/vstore, conversions, select and atomics, against C#.
/// </summary>
public sealed class BuiltinsExecutionTests(KernelWorkspace workspace) : IClassFixture<KernelWorkspace>
{
    private const int Items = 64;
    private const int FloatsPerItem = 16;
    private const int IntsPerItem = 12;
    private const double Tolerance = 1e-5;

    private const string Source = """
        __kernel void builtins(__global const float* x, __global const float* y, __global const int* a, __global const int* b,
                               __global float* fo, __global int* io, __global uchar* uo, __global float* vo,
                               __global int* counter, __global int* ticket)
        {
            size_t i = get_global_id(0);
            float u = x[i], v = y[i];
            int ai = a[i], bi = b[i];

            __global float* f = fo + i * 16;
            f[0] = sqrt(u); f[1] = exp(v); f[2] = log(u); f[3] = pow(u, v);
            f[4] = sin(u * 3.0f); f[5] = cos(u * 3.0f); f[6] = fma(u, v, -1.0f); f[7] = fabs(v - u);
            f[8] = floor(u * 5.0f); f[9] = fmin(u, v); f[10] = fmax(u, v); f[11] = clamp(u, 0.5f, 2.0f);
            f[12] = mix(u, v, 0.25f);
            float4 p = vload4(i, x), q = vload4(i, y);
            f[13] = dot(p, q); f[14] = length(p); f[15] = distance(p, q);

            vstore4(normalize(p), 3 * i, vo);
            vstore4(cross(p, q), 3 * i + 1, vo);
            vstore4(convert_float4(vload4(i, a)), 3 * i + 2, vo);

            __global int* n = io + i * 12;
            n[0] = min(ai, bi); n[1] = max(ai, bi); n[2] = (int)abs(ai); n[3] = clz(ai);
            n[4] = popcount(ai); n[5] = rotate(ai, bi); n[6] = mad24(ai & 0x7ff, bi & 0xfff, 7); n[7] = add_sat(ai, bi);
            n[8] = convert_int_rte((float)(ai % 1000) * 0.5f); n[9] = select(ai, bi, (int)(u > v + 2.0f));
            n[10] = convert_int_rte(v * 1000.0f); n[11] = select(-1, 1, ai > bi);
            uo[i] = convert_uchar_sat(ai / 4);

            ticket[i] = atomic_add(&counter[0], 2);
            atomic_inc(&counter[1]);
        }
        """;

    private sealed record Inputs(float[] X, float[] Y, int[] A, int[] B);

    private static Inputs MakeInputs()
    {
        var random = new Random(20_240_917);
        int Pick() => random.Next(6) switch
        {
            0 => random.Next(-1000, 1001),
            1 => random.Next(int.MinValue, int.MaxValue),
            2 => 0,
            3 => int.MaxValue,
            4 => int.MinValue,
            _ => 2 * random.Next(-500, 500) + 1, // odd: convert_int_rte sees exact halves
        };
        var x = Enumerable.Range(0, 4 * Items).Select(_ => (float)(0.1 + 3.9 * random.NextDouble())).ToArray();
        var y = Enumerable.Range(0, 4 * Items).Select(_ => (float)(-2 + 4 * random.NextDouble())).ToArray();
        return new Inputs(x, y, Enumerable.Range(0, 4 * Items).Select(_ => Pick()).ToArray(), Enumerable.Range(0, 4 * Items).Select(_ => Pick()).ToArray());
    }

    public static TheoryData<string> Targets() => ["cpu/x86_64/x86-64-v4", "cpu/aarch64/neoverse-n1"];

    private (float[] F, int[] I, byte[] U, float[] V, int[] Counter, int[] Ticket) Run(string target, Inputs inputs)
    {
        var packed = workspace.Pack("builtins.cl", Source);
        var outcome = workspace.Run(packed, "builtins", target, [Items], null,
            $"x=@{workspace.SaveNpy(inputs.X)}", $"y=@{workspace.SaveNpy(inputs.Y)}", $"a=@{workspace.SaveNpy(inputs.A)}", $"b=@{workspace.SaveNpy(inputs.B)}",
            $"fo=zeros:{Items * FloatsPerItem}", $"io=zeros:{Items * IntsPerItem}", $"uo=zeros:{Items}", $"vo=zeros:{Items * 12}",
            "counter=zeros:2", $"ticket=zeros:{Items}");
        Assert.Equal("loop", workspace.Compile(packed, TargetId.Parse(target)).KernelModes["builtins"]);
        return (KernelWorkspace.Output<float>(outcome, "fo"), KernelWorkspace.Output<int>(outcome, "io"), KernelWorkspace.Output<byte>(outcome, "uo"),
            KernelWorkspace.Output<float>(outcome, "vo"), KernelWorkspace.Output<int>(outcome, "counter"), KernelWorkspace.Output<int>(outcome, "ticket"));
    }

    // |got − expected| ≤ 1e-5 · scale, where scale is |expected| unless cancellation makes the
    // magnitude of the terms the honest yardstick (dot, cross); a tiny floor covers exact zeros.
    private static void Near(double expected, float got, string what, double scale = double.NaN)
    {
        var yardstick = Math.Max(double.IsNaN(scale) ? Math.Abs(expected) : scale, 1e-6);
        Assert.True(Math.Abs(got - expected) <= Tolerance * yardstick, $"{what}: got {got:R}, expected {expected:R}");
    }

    [Theory]
    [MemberData(nameof(Targets))]
    public void Math_and_geometric_builtins_match_CSharp(string target)
    {
        var inputs = MakeInputs();
        var (f, _, _, v, _, _) = Run(target, inputs);
        for (var i = 0; i < Items; i++)
        {
            float u = inputs.X[i], w = inputs.Y[i];
            var p = inputs.X.AsSpan(4 * i, 4).ToArray();
            var q = inputs.Y.AsSpan(4 * i, 4).ToArray();
            var at = f.AsSpan(i * FloatsPerItem, FloatsPerItem).ToArray();
            string Where(string name) => $"{name} of work-item {i} on {target}";
            Near(Math.Sqrt(u), at[0], Where("sqrt"));
            Near(Math.Exp(w), at[1], Where("exp"));
            Near(Math.Log(u), at[2], Where("log"));
            Near(Math.Pow(u, w), at[3], Where("pow"));
            Near(Math.Sin(u * 3.0f), at[4], Where("sin"));
            Near(Math.Cos(u * 3.0f), at[5], Where("cos"));
            Near(Math.FusedMultiplyAdd(u, w, -1.0), at[6], Where("fma"), Math.Abs((double)u * w) + 1);
            Assert.Equal(MathF.Abs(w - u), at[7]);
            Assert.Equal(MathF.Floor(u * 5.0f), at[8]);
            Assert.Equal(MathF.Min(u, w), at[9]);
            Assert.Equal(MathF.Max(u, w), at[10]);
            Assert.Equal(Math.Clamp(u, 0.5f, 2.0f), at[11]);
            Near(u + (w - u) * 0.25, at[12], Where("mix"), Math.Abs(u) + Math.Abs(w));
            var terms = Enumerable.Range(0, 4).Select(k => (double)p[k] * q[k]).ToArray();
            Near(terms.Sum(), at[13], Where("dot"), terms.Sum(Math.Abs));
            var length = Math.Sqrt(p.Sum(c => (double)c * c));
            Near(length, at[14], Where("length"));
            Near(Math.Sqrt(Enumerable.Range(0, 4).Sum(k => ((double)p[k] - q[k]) * ((double)p[k] - q[k]))), at[15], Where("distance"));

            var vectors = v.AsSpan(i * 12, 12).ToArray();
            for (var k = 0; k < 4; k++)
            {
                Near(p[k] / length, vectors[k], Where($"normalize.s{k}"), 1);
            }
            double[] cross = [(double)p[1] * q[2] - (double)p[2] * q[1], (double)p[2] * q[0] - (double)p[0] * q[2], (double)p[0] * q[1] - (double)p[1] * q[0]];
            double[] crossScale = [Math.Abs(p[1] * q[2]) + Math.Abs(p[2] * q[1]), Math.Abs(p[2] * q[0]) + Math.Abs(p[0] * q[2]), Math.Abs(p[0] * q[1]) + Math.Abs(p[1] * q[0])];
            for (var k = 0; k < 3; k++)
            {
                Near(cross[k], vectors[4 + k], Where($"cross.s{k}"), crossScale[k]);
            }
            Assert.Equal(0f, vectors[7]);
            Assert.Equal(inputs.A.AsSpan(4 * i, 4).ToArray().Select(n => (float)n), vectors[8..12]);
        }
    }

    [Theory]
    [MemberData(nameof(Targets))]
    public void Integer_conversion_and_select_builtins_match_CSharp_exactly(string target)
    {
        var inputs = MakeInputs();
        var (_, ints, uchars, _, _, _) = Run(target, inputs);
        for (var i = 0; i < Items; i++)
        {
            int ai = inputs.A[i], bi = inputs.B[i];
            float u = inputs.X[i], w = inputs.Y[i];
            int[] expected =
            [
                Math.Min(ai, bi),
                Math.Max(ai, bi),
                (int)(uint)Math.Abs((long)ai),
                BitOperations.LeadingZeroCount((uint)ai),
                BitOperations.PopCount((uint)ai),
                (int)BitOperations.RotateLeft((uint)ai, bi & 31),
                (ai & 0x7ff) * (bi & 0xfff) + 7,
                (int)Math.Clamp((long)ai + bi, int.MinValue, int.MaxValue),
                (int)Math.Round((double)((float)(ai % 1000) * 0.5f), MidpointRounding.ToEven),
                u > w + 2.0f ? bi : ai,
                (int)Math.Round((double)(w * 1000.0f), MidpointRounding.ToEven),
                ai > bi ? 1 : -1,
            ];
            var actual = ints.AsSpan(i * IntsPerItem, IntsPerItem).ToArray();
            Assert.True(expected.SequenceEqual(actual),
                $"work-item {i} on {target} (a={ai}, b={bi}): expected [{string.Join(", ", expected)}], got [{string.Join(", ", actual)}]");
            Assert.Equal((byte)Math.Clamp(ai / 4, 0, 255), uchars[i]);
        }
        // The inputs reach both saturation limits and exact halves, or the checks above prove little.
        Assert.Contains(inputs.A.Take(Items).Zip(inputs.B.Take(Items)), pair => (long)pair.First + pair.Second > int.MaxValue || (long)pair.First + pair.Second < int.MinValue);
        Assert.Contains(inputs.A.Take(Items), n => n % 2 != 0 && Math.Abs(n % 1000) < 1000);
        Assert.Contains(uchars, c => c == 255);
        Assert.Contains(uchars, c => c == 0);
    }

    [Theory]
    [MemberData(nameof(Targets))]
    public void Atomics_count_every_work_item_exactly_once(string target)
    {
        var (_, _, _, _, counter, ticket) = Run(target, MakeInputs());
        Assert.Equal([2 * Items, Items], counter);
        Assert.Equal(Enumerable.Range(0, Items).Select(k => 2 * k).ToArray(), ticket.Order().ToArray());
    }
}
