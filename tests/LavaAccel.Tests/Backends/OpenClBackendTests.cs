using System.Diagnostics;
using LavaAccel.Backends;
using LavaAccel.Backends.OpenCl;
using LavaAccel.KernelSuite;

namespace LavaAccel.Tests;

/// <summary>The OpenCL targets: SPIR for PoCL (the suite runs on it: KernelSuiteTests), SPIR-V validated by spirv-val.</summary>
public sealed class OpenClBackendTests(KernelWorkspace workspace) : IClassFixture<KernelWorkspace>
{
    // histogram.cl uses atomic builtins, which llvm-spirv-15 cannot translate from opaque-pointer bitcode.
    public static TheoryData<string> SuiteFiles() => [.. KernelSuite.KernelSuite.All.Select(c => c.File).Distinct().Where(f => f != "histogram.cl")];

    [Fact]
    public void Kernel_the_translator_cannot_take_fails_for_spirv_only_with_a_clear_message()
    {
        var file = "histogram.cl";
        var packed = workspace.Pack(file, File.ReadAllText(Path.Combine(SuiteRunner.KernelsDirectory, file)));
        var error = Assert.Throws<LavaException>(() => CompileWorkerClient.Compile(packed.Path, OpenClSpirvBackend.Spirv, Path.Combine(workspace.Root, "h.spv")));
        Assert.Contains("cannot become SPIR-V", error.Message);
        Assert.Contains("atomic", error.Message);
        Assert.DoesNotContain("Stack dump", error.Message);
        // The other OpenCL target still builds it.
        CompileWorkerClient.Compile(packed.Path, OpenClSpirBackend.Spir, Path.Combine(workspace.Root, "h.bc"));
    }

    [Theory]
    [MemberData(nameof(SuiteFiles))]
    public void Every_suite_kernel_becomes_valid_spirv_with_an_entry_point_per_kernel(string file)
    {
        var packed = workspace.Pack(file, File.ReadAllText(Path.Combine(SuiteRunner.KernelsDirectory, file)));
        var output = Path.Combine(workspace.Root, $"{Path.GetFileNameWithoutExtension(file)}-{Guid.NewGuid():N}.spv");
        CompileWorkerClient.Compile(packed.Path, OpenClSpirvBackend.Spirv, output);
        var bytes = File.ReadAllBytes(output);
        Assert.Equal(0x07230203u, BitConverter.ToUInt32(bytes, 0)); // the SPIR-V magic number
        var disassembly = Tool("spirv-dis", output);
        foreach (var kernel in packed.Package.Manifest.Kernels)
        {
            Assert.Matches($"OpEntryPoint Kernel %\\w+ \"{kernel.Name}\"", disassembly);
        }
    }

    [Fact]
    public void Spirv_target_says_why_it_does_not_run_here()
    {
        var why = BackendRegistry.For(OpenClSpirvBackend.Spirv).WhyNotRunnable(OpenClSpirvBackend.Spirv);
        Assert.Contains("cl_khr_il_program", why);
        var error = Assert.Throws<LavaException>(() => Execution.TargetSelector.Choose("opencl/spirv"));
        Assert.Contains("cannot run opencl/spirv here", error.Message);
    }

    [Fact]
    public void Spir_artifact_is_the_packages_ir_unchanged()
    {
        var packed = workspace.Pack("two.cl", "__kernel void a(__global int* p) { p[0] = 1; }\n__kernel void b(__global float* q) { q[1] = 2.0f; }\n");
        var artifact = new OpenClSpirBackend().Compile(packed.Package, OpenClSpirBackend.Spir);
        Assert.Equal(packed.Package.Ir, artifact.Bytes);
        Assert.Equal(".bc", artifact.Extension);
        Assert.Equal(["a", "b"], artifact.KernelModes.Keys.Order());
    }

    [Fact]
    public void Two_part_target_ids_round_trip()
    {
        Assert.Equal(OpenClSpirBackend.Spir, TargetId.Parse("opencl/spir"));
        Assert.Equal("opencl/spir", OpenClSpirBackend.Spir.ToString());
        Assert.Equal("cpu/x86_64/x86-64-v2", TargetId.Parse("cpu/x86_64/x86-64-v2").ToString());
    }

    private static string Tool(string tool, params string[] args)
    {
        var start = new ProcessStartInfo(tool) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in args)
        {
            start.ArgumentList.Add(a);
        }
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, process.StandardError.ReadToEnd());
        return stdout;
    }
}
