using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using LavaAccel.Backends.Cpu;
using LavaAccel.KernelSuite;
using LavaAccel.Toolchain;

namespace LavaAccel.Backends.Benchmarks;

/// <summary>
/// Compiling one small kernel for one CPU target, in-process as the compile worker does it
/// (everything after the worker has started: read IR, link builtins, lower, O3, codegen, ld.lld).
/// </summary>
[Config(typeof(InProcessConfig))]
public class CompileBenchmarks
{
    private readonly CpuBackend _backend = new();
    private Package _saxpy = null!;
    private Package _sgemm = null!;

    [GlobalSetup]
    public void Setup()
    {
        _saxpy = PackageBuilder.Pack(Path.Combine(SuiteRunner.KernelsDirectory, "saxpy.cl"), new PackOptions([]));
        _sgemm = PackageBuilder.Pack(Path.Combine(SuiteRunner.KernelsDirectory, "sgemm.cl"), new PackOptions([]));
        CpuBackend.ConfigureProcess(TargetId.Parse("cpu/x86_64/x86-64-v4"));
    }

    [Benchmark(Baseline = true)]
    public int Saxpy_x86_64_v4() => _backend.Compile(_saxpy, TargetId.Parse("cpu/x86_64/x86-64-v4")).Bytes.Length;

    [Benchmark]
    public int Saxpy_aarch64_neoverse_n1() => _backend.Compile(_saxpy, TargetId.Parse("cpu/aarch64/neoverse-n1")).Bytes.Length;

    [Benchmark]
    public int Sgemm_two_kernels_x86_64_v4() => _backend.Compile(_sgemm, TargetId.Parse("cpu/x86_64/x86-64-v4")).Bytes.Length;
}

/// <summary>
/// In-process: the compile worker is one process compiling with process-wide LLVM state, and the
/// benchmark should measure the same thing (and runs from any directory).
/// </summary>
public sealed class InProcessConfig : ManualConfig
{
    public InProcessConfig()
    {
        AddJob(Job.Default.WithToolchain(InProcessEmitToolchain.Instance).WithWarmupCount(3).WithIterationCount(15));
        AddColumnProvider(DefaultConfig.Instance.GetColumnProviders().ToArray());
        AddColumn(BenchmarkDotNet.Columns.StatisticColumn.Median, BenchmarkDotNet.Columns.StatisticColumn.P95);
        AddLogger(DefaultConfig.Instance.GetLoggers().ToArray());
        AddExporter(DefaultConfig.Instance.GetExporters().ToArray());
    }
}
