using System.Text.RegularExpressions;
using LavaAccel.Backends;
using LavaAccel.Backends.Nvptx;
using LavaAccel.KernelSuite;

namespace LavaAccel.Tests;

/// <summary>PTX for sm_70/80/90 from every suite kernel, checked structurally (no GPU needed).</summary>
public sealed class NvptxBackendTests(KernelWorkspace workspace) : IClassFixture<KernelWorkspace>
{
    public static TheoryData<string, string> SuiteFilesAndTargets()
    {
        var data = new TheoryData<string, string>();
        foreach (var file in KernelSuite.KernelSuite.All.Select(c => c.File).Distinct())
        {
            foreach (var sm in new[] { "sm_70", "sm_80", "sm_90" })
            {
                data.Add(file, sm);
            }
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(SuiteFilesAndTargets))]
    public void Every_suite_kernel_yields_ptx_with_an_entry_per_kernel_and_no_unresolved_externals(string file, string sm)
    {
        var packed = workspace.Pack(file, File.ReadAllText(Path.Combine(SuiteRunner.KernelsDirectory, file)));
        var output = Path.Combine(workspace.Root, $"{Path.GetFileNameWithoutExtension(file)}-{sm}-{Guid.NewGuid():N}.ptx");
        var result = CompileWorkerClient.Compile(packed.Path, TargetId.Parse($"nvptx/{sm}"), output);
        Assert.Equal(".ptx", result.Extension);
        var ptx = File.ReadAllText(output);
        Assert.Matches(@"(?m)^\.version \d+\.\d+$", ptx);
        Assert.Matches($@"(?m)^\.target {sm}\b", ptx);
        Assert.Contains(".address_size 64", ptx);
        var entries = Regex.Matches(ptx, @"(?m)^\.visible \.entry (\w+)\(").Select(m => m.Groups[1].Value).Order().ToArray();
        Assert.Equal(packed.Package.Manifest.Kernels.Select(k => k.Name).Order().ToArray(), entries);
        // The only external a variant may have is the dynamic shared memory its __local arguments live in.
        var externs = Regex.Matches(ptx, @"(?m)^\.extern .*$").Select(m => m.Value).ToArray();
        Assert.All(externs, e => Assert.Equal(".extern .shared .align 16 .b8 __lava_dynamic_shared[];", e));
        Assert.DoesNotContain(".func _Z", ptx.Split('\n').Where(l => l.StartsWith(".extern", StringComparison.Ordinal)));
    }

    public static TheoryData<string> DifferentialKernelNames() => [.. Differential.DifferentialKernels.All.Select(c => c.Name)];

    [Theory]
    [MemberData(nameof(DifferentialKernelNames))]
    public void Unseen_style_kernels_yield_ptx_too(string name)
    {
        var c = Differential.DifferentialKernels.All.Single(k => k.Name == name);
        var packed = workspace.Pack($"{name}.cl", c.Source);
        var output = Path.Combine(workspace.Root, $"{name}-{Guid.NewGuid():N}.ptx");
        CompileWorkerClient.Compile(packed.Path, TargetId.Parse("nvptx/sm_90"), output);
        Assert.Matches($@"(?m)^\.visible \.entry {c.Kernel}\(", File.ReadAllText(output));
    }

    [Fact]
    public void Local_pointer_arguments_become_offsets_into_dynamic_shared_memory()
    {
        var packed = workspace.Pack("local-arg.cl", """
            __kernel void sum(__global const float* in, __global float* out, __local float* scratch)
            {
                size_t l = get_local_id(0);
                scratch[l] = in[get_global_id(0)];
                barrier(CLK_LOCAL_MEM_FENCE);
                if (l == 0) { float s = 0; for (size_t i = 0; i < get_local_size(0); i++) s += scratch[i]; out[get_group_id(0)] = s; }
            }
            """);
        var output = Path.Combine(workspace.Root, $"local-{Guid.NewGuid():N}.ptx");
        var result = CompileWorkerClient.Compile(packed.Path, TargetId.Parse("nvptx/sm_80"), output);
        Assert.Equal("ptx, dynamic shared: scratch", result.KernelModes["sum"]);
        var ptx = File.ReadAllText(output);
        Assert.Contains(".extern .shared .align 16 .b8 __lava_dynamic_shared[];", ptx);
        Assert.Contains("bar.sync", ptx);
        Assert.Contains(".param .u64 sum_param_2", ptx); // the offset, in bytes
    }

    [Fact]
    public void Constant_arguments_and_vector_builtins_map_to_global_memory()
    {
        var packed = workspace.Pack("constant.cl", """
            __constant float bias[4] = { 1, 2, 3, 4 };
            __kernel void k(__constant float4* weights, __global float* out)
            {
                size_t i = get_global_id(0);
                float4 w = vload4(i, (__constant float*)weights);
                out[i] = dot(w, (float4)(bias[0], bias[1], bias[2], bias[3])) + native_exp(w.x);
            }
            """);
        var output = Path.Combine(workspace.Root, $"constant-{Guid.NewGuid():N}.ptx");
        CompileWorkerClient.Compile(packed.Path, TargetId.Parse("nvptx/sm_90"), output);
        var ptx = File.ReadAllText(output);
        Assert.Contains("ld.global", ptx);
        Assert.DoesNotContain("ld.const", ptx.Replace("ld.const.", "ld.const.", StringComparison.Ordinal).Split('\n').Where(l => l.Contains("weights", StringComparison.Ordinal)));
    }

    [Fact]
    public void A_builtin_without_an_nvptx_implementation_fails_for_nvptx_only_with_its_name()
    {
        var packed = workspace.Pack("printf.cl", """
            __kernel void k(__global int* out) { printf("%d\n", (int)get_global_id(0)); out[0] = 1; }
            """);
        var error = Assert.Throws<LavaException>(() => CompileWorkerClient.Compile(packed.Path, TargetId.Parse("nvptx/sm_90"), Path.Combine(workspace.Root, "p.ptx")));
        Assert.Contains("'printf'", error.Message);
        Assert.Contains("no NVPTX implementation", error.Message);
        // The CPU backend implements printf: the same package builds there.
        CompileWorkerClient.Compile(packed.Path, TargetId.Parse("cpu/x86_64/x86-64-v2"), Path.Combine(workspace.Root, $"p-{Guid.NewGuid():N}.so"));
    }

    [Fact]
    public void Nvptx_targets_are_listed_and_say_why_they_do_not_run_here()
    {
        foreach (var sm in new[] { "sm_70", "sm_80", "sm_90" })
        {
            var target = TargetId.Parse($"nvptx/{sm}");
            Assert.Contains(target, BackendRegistry.AllTargets);
            Assert.IsType<NvptxBackend>(BackendRegistry.For(target));
            if (!File.Exists("/dev/nvidia0"))
            {
                Assert.Contains("GPU", BackendRegistry.For(target).WhyNotRunnable(target));
            }
        }
    }
}
