using LavaAccel.KernelSuite;

namespace LavaAccel.Tests;

/// <summary>Every suite kernel on every CPU target this machine can run, on opencl/spir (PoCL), and on nvptx where a GPU is present, against its C# reference.</summary>
public sealed class KernelSuiteTests(SuiteRunnerFixture fixture) : IClassFixture<SuiteRunnerFixture>
{
    public static TheoryData<string, string> Cases()
    {
        var data = new TheoryData<string, string>();
        foreach (var target in RunnableTargets.Cpu.Concat(RunnableTargets.OpenCl).Concat(RunnableTargets.Gpu))
        {
            foreach (var suiteCase in KernelSuite.KernelSuite.All)
            {
                data.Add(suiteCase.Name, target.ToString());
            }
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Suite_kernel_matches_its_reference(string caseName, string target)
    {
        var suiteCase = KernelSuite.KernelSuite.Get(caseName);
        var (outputs, _) = fixture.Runner.Run(suiteCase, TargetId.Parse(target));
        var expected = suiteCase.Reference(suiteCase.MakeInputs());
        Assert.NotEmpty(expected);
        var mismatch = SuiteRunner.Mismatch(suiteCase, expected, outputs);
        Assert.True(mismatch is null, $"{caseName} on {target}: {mismatch}");
    }

    public static TheoryData<string, string> CSharpCases()
    {
        var data = new TheoryData<string, string>();
        foreach (var target in RunnableTargets.Ilgpu)
        {
            foreach (var suiteCase in KernelSuite.KernelSuite.CSharp)
            {
                data.Add(suiteCase.Name, target.ToString());
            }
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(CSharpCases))]
    public void CSharp_kernel_matches_the_reference_of_its_OpenCL_twin(string caseName, string target) =>
        Suite_kernel_matches_its_reference(caseName, target);

    [Fact]
    public void Every_architecture_family_is_tested()
    {
        // The suite must cover both x86-64 and AArch64 here; a machine without qemu-user would
        // silently test less, so say so.
        Assert.Contains(RunnableTargets.Cpu, t => t.Arch == "x86_64");
        Assert.Contains(RunnableTargets.Cpu, t => t.Arch == "aarch64");
    }

    [Fact]
    public void OpenCl_spir_runs_on_a_spir_device_when_one_is_installed()
    {
        // CI installs PoCL (cl_khr_spir); elsewhere the target must say why it cannot run.
        var backend = LavaAccel.Backends.BackendRegistry.For(LavaAccel.Backends.OpenCl.OpenClSpirBackend.Spir);
        var why = backend.WhyNotRunnable(LavaAccel.Backends.OpenCl.OpenClSpirBackend.Spir);
        Assert.True(why is null == (RunnableTargets.OpenCl.Count == 1), why);
        if (File.Exists("/etc/OpenCL/vendors/pocl.icd"))
        {
            Assert.Null(why);
        }
    }
}
