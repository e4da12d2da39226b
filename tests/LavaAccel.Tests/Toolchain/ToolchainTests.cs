using LavaAccel.Execution;
using LavaAccel.Toolchain;

namespace LavaAccel.Tests;

/// <summary><c>lava pack</c>: OpenCL C → package, determinism, diagnostics and signatures.</summary>
public sealed class ToolchainTests(KernelWorkspace workspace) : IClassFixture<KernelWorkspace>
{
    private const string Scale = """
        #ifndef FACTOR
        #define FACTOR 1
        #endif
        __kernel void scale(__global int* out)
        {
            out[get_global_id(0)] = FACTOR * (int)get_global_id(0);
        }
        """;

    // OpenCL C 2.0: one helper taking a generic pointer, called with a __global and a __local pointer.
    private const string GenericAddressSpace = """
        float sum3(const float* p) { return p[0] + p[1] + p[2]; }

        __kernel void gen_as(__global const float* in, __global float* out)
        {
            __local float tile[64];
            size_t l = get_local_id(0), i = get_global_id(0);
            tile[l] = in[i] * 2.0f;
            barrier(CLK_LOCAL_MEM_FENCE);
            size_t n = get_local_size(0);
            out[i] = sum3(in + i) + sum3(&tile[(l + 1) % (n - 2)]);
        }
        """;

    private static Package Pack(string path, params string[] defines) => PackageBuilder.Pack(path, new PackOptions(defines, "CL1.2"));

    [Fact]
    public void Pack_is_deterministic_byte_for_byte()
    {
        var path = workspace.WriteFile("scale.cl", Scale);
        var first = Pack(path);
        var second = Pack(path);
        Assert.Equal(first.Bytes, second.Bytes);
        Assert.Equal(first.Digest, second.Digest);
        Assert.Matches("^sha256:[0-9a-f]{64}$", first.Digest);
        Assert.Equal(Digest.Of(first.Bytes).ToString(), first.Digest);
    }

    [Fact]
    public void Pack_gives_the_same_digest_for_the_same_source_in_another_directory()
    {
        // Same file name, same bytes, same options: only the directory differs. The package stores
        // the file name only, so the digest must not depend on where the file was.
        var here = workspace.WriteFile("scale.cl", Scale);
        var there = workspace.WriteFile("scale.cl", Scale);
        Assert.NotEqual(Path.GetDirectoryName(here), Path.GetDirectoryName(there));
        var a = Pack(here);
        var b = Pack(there);
        Assert.Equal(a.Manifest.IrDigest, b.Manifest.IrDigest);
        Assert.Equal(a.Digest, b.Digest);
    }

    [Fact]
    public void Define_changes_the_digest_and_its_value_reaches_the_kernel()
    {
        var path = workspace.WriteFile("scale.cl", Scale);
        var plain = Pack(path);
        var defined = Pack(path, "FACTOR=7");
        Assert.NotEqual(plain.Digest, defined.Digest);
        Assert.NotEqual(plain.Manifest.IrDigest, defined.Manifest.IrDigest);
        Assert.Equal(["FACTOR=7"], defined.Manifest.Defines);
        Assert.Empty(plain.Manifest.Defines);

        var report = KernelLauncher.Launch(defined, new LaunchOptions(path, "scale", [8], null, ["out=zeros:8"]), TargetSelector.Choose("cpu/x86_64/x86-64-v2"));
        Assert.Equal(Enumerable.Range(0, 8).Select(i => 7 * i).ToArray(), (int[])report.Output("out").ToArray());
    }

    [Fact]
    public void Clang_error_names_the_file_and_line()
    {
        var path = workspace.WriteFile("k.cl", """
            __kernel void k(__global int* o)
            {
                o[0] = undefined_thing;
            }
            """);
        var error = Assert.Throws<LavaException>(() => Pack(path));
        Assert.Contains("k.cl:3:", error.Message);
        Assert.Contains("undefined_thing", error.Message);
        Assert.Contains("does not compile", error.Message);
    }

    [Fact]
    public void Missing_source_file_is_named_in_the_error()
    {
        var path = Path.Combine(workspace.Root, "no-such-kernel.cl");
        var error = Assert.Throws<LavaException>(() => Pack(path));
        Assert.Contains("no-such-kernel.cl", error.Message);
        Assert.Contains("does not exist", error.Message);
    }

    [Fact]
    public void Source_without_a_kernel_is_refused()
    {
        var path = workspace.WriteFile("helpers.cl", "int twice(int x) { return 2 * x; }\n");
        var error = Assert.Throws<LavaException>(() => Pack(path));
        Assert.Contains("helpers.cl", error.Message);
        Assert.Contains("no __kernel", error.Message);
    }

    [Fact]
    public void Binary_file_is_refused_as_not_OpenCL_source()
    {
        var path = workspace.WriteFile("blob.cl", [0x7f, (byte)'E', (byte)'L', (byte)'F', 2, 1, 1, 0, 0, 0, 0, 0]);
        var error = Assert.Throws<LavaException>(() => Pack(path));
        Assert.Contains("blob.cl", error.Message);
        Assert.Contains("not OpenCL C source", error.Message);
    }

    [Fact]
    public void Non_OpenCL_text_is_refused_with_abbreviated_diagnostics()
    {
        // C#, not OpenCL C: clang reports an error or two for every line.
        var lines = Enumerable.Range(0, 200).Select(i => $"using System.Thing{i};");
        var path = workspace.WriteFile("script.cl", string.Join('\n', lines) + "\n");
        var error = Assert.Throws<LavaException>(() => Pack(path));
        Assert.Contains("script.cl", error.Message);
        Assert.Contains("does not compile", error.Message);
        // Hundreds of clang errors are cut to the first ones plus a count.
        Assert.True(error.Message.Split('\n').Length <= 26, $"message has {error.Message.Split('\n').Length} lines");
        Assert.Contains("more lines", error.Message);
    }

    [Theory]
    [InlineData("")]
    [InlineData("=3")]
    [InlineData("TWO WORDS")]
    public void Malformed_define_is_refused(string define)
    {
        var path = workspace.WriteFile("scale.cl", Scale);
        var error = Assert.Throws<LavaException>(() => Pack(path, define));
        Assert.Contains("bad -D definition", error.Message);
    }

    [Fact]
    public void Unknown_OpenCL_C_version_is_refused()
    {
        var path = workspace.WriteFile("scale.cl", Scale);
        var error = Assert.Throws<LavaException>(() => PackageBuilder.Pack(path, new PackOptions([], "CL9.9")));
        Assert.Contains("CL9.9", error.Message);
        Assert.Contains("CL2.0", error.Message);
    }

    [Theory]
    [InlineData("cpu/x86_64/x86-64-v2")]
    [InlineData("cpu/aarch64/generic")]
    public void OpenCL_2_0_generic_address_space_kernel_packs_and_runs(string target)
    {
        var packed = workspace.Pack("generic.cl", GenericAddressSpace, "CL2.0");
        Assert.Equal("CL2.0", packed.Package.Manifest.LanguageVersion);
        var input = Enumerable.Range(0, 18).Select(i => (float)i).ToArray();
        var outcome = workspace.Run(packed, "gen_as", target, [16], [8], $"in=@{workspace.SaveNpy(input)}", "out=zeros:16");

        var expected = new float[16];
        for (var i = 0; i < 16; i++)
        {
            int group = i / 8, l = i % 8, start = (l + 1) % 6;
            var tile = Enumerable.Range(0, 8).Select(k => input[group * 8 + k] * 2).ToArray();
            expected[i] = input[i] + input[i + 1] + input[i + 2] + tile[start] + tile[start + 1] + tile[start + 2];
        }
        Assert.Equal(expected, KernelWorkspace.Output<float>(outcome, "out"));
    }

    [Fact]
    public void Generic_address_space_kernel_does_not_compile_as_OpenCL_1_2()
    {
        var path = workspace.WriteFile("generic.cl", GenericAddressSpace);
        var error = Assert.Throws<LavaException>(() => Pack(path));
        Assert.Contains("generic.cl:", error.Message);
        Assert.Contains("does not compile", error.Message);
    }

    [Fact]
    public void Kernel_signatures_record_address_spaces_constness_and_vector_types()
    {
        var packed = workspace.Pack("sig.cl", """
            typedef float real;
            __kernel void sig(__global const float* a, __global float4* b, __constant float* c, __local int* d,
                              uint n, float2 f2, int4 i4, __global uchar* u, __global const real* r, __global float3* f3,
                              __global const volatile int* vi, long l, short s)
            {
                b[0] = (float4)(a[0] + c[0] + d[0] + n + f2.x + i4.y + u[0] + r[0] + f3[0].x + vi[0] + l + s);
            }
            __kernel void second(__global double* out) { out[0] = 1.0; }
            """);
        var kernels = packed.Package.Manifest.Kernels;
        Assert.Equal(["sig", "second"], kernels.Select(k => k.Name));
        var args = kernels[0].Arguments.ToDictionary(a => a.Name);
        Assert.Equal(["a", "b", "c", "d", "n", "f2", "i4", "u", "r", "f3", "vi", "l", "s"], kernels[0].Arguments.Select(a => a.Name));

        void Check(string name, AddressSpace space, ScalarType type, int width, bool isConst, bool isPointer, KernelArgumentKind kind, string typeName)
        {
            var arg = args[name];
            Assert.Equal((space, type, width, isConst, isPointer, kind, typeName), (arg.AddressSpace, arg.ElementType, arg.VectorWidth, arg.IsConst, arg.IsPointer, arg.Kind, arg.TypeName));
        }

        Check("a", AddressSpace.Global, ScalarType.Float, 1, true, true, KernelArgumentKind.Buffer, "float*");
        Check("b", AddressSpace.Global, ScalarType.Float, 4, false, true, KernelArgumentKind.Buffer, "float4*");
        Check("c", AddressSpace.Constant, ScalarType.Float, 1, true, true, KernelArgumentKind.Buffer, "float*");
        Check("d", AddressSpace.Local, ScalarType.Int, 1, false, true, KernelArgumentKind.Local, "int*");
        Check("n", AddressSpace.Private, ScalarType.UInt, 1, false, false, KernelArgumentKind.Scalar, "uint");
        Check("f2", AddressSpace.Private, ScalarType.Float, 2, false, false, KernelArgumentKind.Scalar, "float2");
        Check("i4", AddressSpace.Private, ScalarType.Int, 4, false, false, KernelArgumentKind.Scalar, "int4");
        Check("u", AddressSpace.Global, ScalarType.UChar, 1, false, true, KernelArgumentKind.Buffer, "uchar*");
        Check("r", AddressSpace.Global, ScalarType.Float, 1, true, true, KernelArgumentKind.Buffer, "float*");
        Check("f3", AddressSpace.Global, ScalarType.Float, 3, false, true, KernelArgumentKind.Buffer, "float3*");
        Check("vi", AddressSpace.Global, ScalarType.Int, 1, true, true, KernelArgumentKind.Buffer, "int*");
        Check("l", AddressSpace.Private, ScalarType.Long, 1, false, false, KernelArgumentKind.Scalar, "long");
        Check("s", AddressSpace.Private, ScalarType.Short, 1, false, false, KernelArgumentKind.Scalar, "short");
        Assert.Equal(16, args["b"].ElementBytes);
        Assert.Equal(16, args["f3"].ElementBytes);
        Assert.Equal("__global const float* a", args["a"].ToString());
        Assert.Equal("__constant float* c", args["c"].ToString());

        var second = Assert.Single(kernels[1].Arguments);
        Assert.Equal(ScalarType.Double, second.ElementType);
        Assert.Contains("fp64", packed.Package.Manifest.Features);
        Assert.Contains("local-memory", packed.Package.Manifest.Features);
    }

    [Fact]
    public void Manifest_lists_barriers_and_atomics_among_the_features()
    {
        var packed = workspace.Pack("features.cl", """
            __kernel void count(__global int* counter, __global int* out)
            {
                out[get_global_id(0)] = atomic_inc(counter);
                barrier(CLK_GLOBAL_MEM_FENCE);
            }
            """);
        var features = packed.Package.Manifest.Features;
        Assert.Contains("atomics", features);
        Assert.Contains("barriers", features);
        Assert.DoesNotContain("fp64", features);
        Assert.Equal(features.Order(StringComparer.Ordinal), features);
    }
}
