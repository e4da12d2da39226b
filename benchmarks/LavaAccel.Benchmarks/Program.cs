// LavaAccel benchmarks. Each comparison measures both sides in the same run.
//   pocl [--quick] [--repeat R] [--target T] [--only NAME,…]   suite kernels: lava's best CPU variant vs PoCL
//   c [--repeat R]                              saxpy, stencil: lava vs plain C (clang-19 -O3 -march=native)
//   cache                                       variant cache: hit p50/p99 vs cold compile; compile --targets all parallel vs sequential
//   model [--quick]                             run-time model: predicted vs measured after five recorded runs
//   compile                                     BenchmarkDotNet: in-worker compile time
//   scheduler                                   placement decisions/s and p99 on a simulated 1,000 × 4 cluster; makespan vs baselines
//   opencl [--quick] [--repeat R]               suite kernels: opencl/spir on PoCL vs lava's CPU backend
//   ilgpu [--quick] [--repeat R]                C# ports on ilgpu/cpu (and ilgpu/ptx where a GPU runs) vs their OpenCL C twins on lava
//   startup [--samples N]                       a one-shot lava run (cache hit, bwrap) end to end vs the C runner alone, lava --version
//   slurm [--jobs N]                            submit → result through Slurm (pilot and job mode) vs the embedded node, pilot start-up (real single-host Slurm; root)
//   service [--seconds S] [--jobs N] [--clients C]   lava serve load: device queries/s vs echo, submit and end-to-end latency, a flood of jobs
//   dispatch [--samples N]                      job ready → kernel entered: in-process, plain process, bwrap, runc cold, warm pools
//   all                                         pocl + c, and write docs-ready Markdown to bench-results.md
using BenchmarkDotNet.Running;
using LavaAccel;
using LavaAccel.Backends.Benchmarks;
using LavaAccel.Benchmarks;
using LavaAccel.KernelSuite;
using LavaAccel.Execution;

var command = args.Length > 0 ? args[0] : "all";
string Option(string name, string fallback) => Array.IndexOf(args, name) is var i and >= 0 && i + 1 < args.Length ? args[i + 1] : fallback;
var repeat = int.Parse(Option("--repeat", "7"), System.Globalization.CultureInfo.InvariantCulture);
var target = Option("--target", "auto") is var named && named != "auto" ? TargetSelector.Choose(named).Target : LocalPlacement.BestCpuTarget();
var only = Option("--only", "");
var cases = (args.Contains("--quick") ? KernelSuite.All : KernelSuite.Benchmark())
    .Where(c => only.Length == 0 || only.Split(',').Any(o => c.Name.StartsWith(o, StringComparison.Ordinal))).ToArray();

switch (command)
{
    case "pocl":
        PeerComparison.Run(target, repeat, cases);
        break;
    case "c":
        NativePeer.Run(target, repeat);
        break;
    case "cache":
        CacheBench.Run(target, 10_000);
        break;
    case "scheduler":
        SchedulerBench.Run();
        break;
    case "model":
        ModelBench.Run(target, cases);
        break;
    case "opencl":
        OpenClComparison.Run(target, repeat, cases);
        break;
    case "ilgpu":
        IlgpuComparison.Run(target, repeat, args.Contains("--quick"));
        break;
    case "startup":
        StartupBench.Run(int.Parse(Option("--samples", "11"), System.Globalization.CultureInfo.InvariantCulture));
        break;
    case "slurm":
        SlurmBench.Run(int.Parse(Option("--jobs", "30"), System.Globalization.CultureInfo.InvariantCulture));
        break;
    case "service":
        ServiceLoad.Run(TimeSpan.FromSeconds(double.Parse(Option("--seconds", "5"), System.Globalization.CultureInfo.InvariantCulture)),
            int.Parse(Option("--jobs", "10000"), System.Globalization.CultureInfo.InvariantCulture),
            int.Parse(Option("--clients", "50"), System.Globalization.CultureInfo.InvariantCulture));
        break;
    case "dispatch":
        DispatchBench.Run(int.Parse(Option("--samples", "200"), System.Globalization.CultureInfo.InvariantCulture));
        break;
    case "compile":
        BenchmarkRunner.Run<CompileBenchmarks>(args: args[1..]);
        break;
    case "all":
        var text = PeerComparison.Run(target, repeat, cases) + "\n" + NativePeer.Run(target, repeat) + "\n" + CacheBench.Run(target, 10_000) + "\n" + SchedulerBench.Run();
        File.WriteAllText("bench-results.md", text);
        Console.WriteLine("wrote bench-results.md");
        break;
    default:
        Console.Error.WriteLine("usage: LavaAccel.Benchmarks pocl|c|cache|scheduler|model|compile|opencl|dispatch|all [--quick] [--repeat R] [--target T]");
        return 2;
}
return 0;
