using System.Globalization;
using LavaAccel.Cache;
using LavaAccel.KernelSuite;
using LavaAccel.Execution;
using LavaAccel.Toolchain;

namespace LavaAccel.Tests.Differential;

/// <summary>
/// Kernels lava was not developed against, run by lava on x86-64 and AArch64 and by PoCL from the
/// same source and the same argument bytes; every output must agree. PoCL is installed by
/// tools/bootstrap.sh, so it is always there in CI.
/// </summary>
public sealed class DifferentialTests : IDisposable
{
    private readonly DirectoryInfo _work = Directory.CreateTempSubdirectory("lava-diff-");
    private readonly VariantCache _cache;

    public DifferentialTests() => _cache = new VariantCache(Path.Combine(_work.FullName, "home"));

    public static TheoryData<string, string> Cases()
    {
        var data = new TheoryData<string, string>();
        foreach (var c in DifferentialKernels.All)
        {
            // opencl/spir: the package's SPIR bitcode on PoCL, against PoCL building the source itself.
            foreach (var target in new[] { "cpu/x86_64/x86-64-v2", "cpu/x86_64/x86-64-v4", "cpu/aarch64/neoverse-v2", "opencl/spir" })
            {
                if (RunnableTargets.Cpu.Concat(RunnableTargets.OpenCl).Contains(TargetId.Parse(target)))
                {
                    data.Add(c.Name, target);
                }
            }
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Unseen_kernel_matches_PoCL(string name, string target)
    {
        var c = DifferentialKernels.All.Single(k => k.Name == name);
        var source = Path.Combine(_work.FullName, name + ".cl");
        File.WriteAllText(source, c.Source);
        var package = PackageBuilder.Pack(source, new PackOptions([]));
        var report = KernelLauncher.Launch(package, new LaunchOptions(source, c.Kernel, c.Global, c.Local, c.Arguments), TargetSelector.Choose(target), cache: _cache);

        using var pocl = new PoclPeer();
        pocl.Run(c.Source, c.Kernel, report.Arguments, report.Range, 1, out var reference);

        Assert.NotEmpty(reference);
        foreach (var argument in report.Arguments.Where(a => reference.ContainsKey(a.Parameter.Name)))
        {
            var parameter = argument.Parameter;
            var ours = new NpyArray(parameter.ElementType, [report.Outcome.Buffers[parameter.Name].Length / parameter.ElementType.Size()], report.Outcome.Buffers[parameter.Name]).ToDoubles();
            var theirs = new NpyArray(parameter.ElementType, [reference[parameter.Name].Length / parameter.ElementType.Size()], reference[parameter.Name]).ToDoubles();
            Assert.Equal(theirs.Length, ours.Length);
            for (var i = 0; i < ours.Length; i++)
            {
                var (a, b) = (ours[i], theirs[i]);
                var tolerance = parameter.ElementType.IsFloatingPoint() ? c.Tolerance * Math.Max(1, Math.Abs(b)) : 0;
                Assert.True(Math.Abs(a - b) <= tolerance, $"{name} on {target}: {parameter.Name}[{i}] = {a.ToString("R", CultureInfo.InvariantCulture)}, PoCL has {b.ToString("R", CultureInfo.InvariantCulture)}");
            }
        }
    }

    public void Dispose() => _work.Delete(recursive: true);
}
