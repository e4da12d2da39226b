using System.Globalization;
using LavaAccel.Backends.Analysis;
using LavaAccel.Bench.Machine;
using LavaAccel.Bench.Peers;
using LavaAccel.Bench.Results;
using LavaAccel.Bench.Statistics;
using LavaAccel.Devices;
using LavaAccel.Devices.Discovery;
using LavaAccel.Execution;
using LavaAccel.Host;

namespace LavaAccel.Bench;

/// <summary>
/// One <c>lava bench</c> run: for each target a pilot (one warm-up launch, two timed) chooses the
/// iterations, then one measured launch (warm-up and timed iterations in the same worker); then the
/// peers. A target that fails becomes a record with its error and the others go on; an interrupt
/// stops the run and keeps what was measured.
/// </summary>
public sealed class BenchSession
{
    private readonly Package _package;
    private readonly LaunchOptions _options;
    private readonly BenchSettings _settings;
    private readonly Action<string> _progress;
    private readonly IReadOnlyList<DeviceProfile> _devices;
    private readonly DeviceProfile _cpu;
    private readonly int _threads;
    private readonly List<BenchRecord> _records = [];
    private readonly List<(BenchRecord Record, LaunchReport Report)> _launched = [];
    private WorkCount? _work;

    private BenchSession(Package package, LaunchOptions options, BenchSettings settings, Action<string> progress)
    {
        _package = package;
        _options = options;
        _settings = settings;
        _progress = progress;
        _devices = LocalDevices.Discover(LavaHome.Path);
        _cpu = _devices.FirstOrDefault(d => d.Id == "local-cpu") ?? CpuDiscovery.Discover(0);
        _threads = options.Cpus is { } cpus ? Math.Max(1, (int)Math.Ceiling(cpus)) : Environment.ProcessorCount;
    }

    /// <summary>Benchmarks <paramref name="package"/>'s kernel on <paramref name="targets"/> and the requested peers.</summary>
    public static BenchRun Run(Package package, LaunchOptions options, IReadOnlyList<TargetId> targets, BenchSettings settings, Action<string> progress)
    {
        var session = new BenchSession(package, options, settings, progress);
        var started = DateTimeOffset.UtcNow;
        progress($"measuring memory bandwidth ({session._threads} threads)");
        var machine = MachineDescription.Describe(session._cpu, session._threads, started);
        var peers = settings.Peers ?? [];
        var all = targets.ToList();
        var clock = System.Diagnostics.Stopwatch.StartNew();
        for (var i = 0; i < all.Count; i++)
        {
            var left = i == 0 ? "" : $", about {Math.Ceiling(clock.Elapsed.TotalSeconds / i * (all.Count - i)):0} s left";
            var stop = session.Measure(all[i], $"[{i + 1}/{all.Count}{left}] {all[i]}", machine);
            if (stop)
            {
                break;
            }
        }
        if (peers.Contains("pocl"))
        {
            session.MeasurePocl(machine);
        }
        if (peers.Contains("c"))
        {
            session.MeasureCTwin(machine);
        }
        return new BenchRun(machine, session.CompareOutputs());
    }

    // Returns true when the run was interrupted (Ctrl-C): stop, keep what was measured.
    private bool Measure(TargetId target, string step, MachineDescription machine)
    {
        try
        {
            var choice = TargetSelector.Choose(target.ToString());
            _progress($"{step}: pilot");
            var pilot = KernelLauncher.Launch(_package, _options with { Target = target.ToString(), Repeat = 2, Warmup = 1 }, choice, s => _progress($"{step}: {s}"));
            var pilotMs = pilot.Outcome.KernelMs[0];
            var plan = IterationPlan.FromPilot(pilotMs, _settings.Budget, _settings.Iterations, _settings.Warmup);
            _progress($"{step}: {plan.Warmup} warm-up + {plan.Iterations} timed iterations, ≈ {Seconds(plan.Expected(pilotMs))}");
            var report = KernelLauncher.Launch(_package, _options with { Target = target.ToString(), Repeat = plan.Iterations, Warmup = plan.Warmup }, choice);
            var record = Record(report, plan, machine);
            _records.Add(record);
            _launched.Add((record, report));
            return false;
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            _records.Add(Failed(target.ToString(), null, e.Message));
            _progress($"{step}: failed: {e.Message}");
            return e.Message.StartsWith("interrupted", StringComparison.Ordinal);
        }
    }

    // The "pocl" peer: PoCL builds the package's own OpenCL C source with its own compiler and runs
    // it, in the same sandbox, with the same buffers, ND-range, warm-up and iterations.
    private void MeasurePocl(MachineDescription machine)
    {
        var name = BenchSettings.PoclPeerName;
        var reference = _launched.FirstOrDefault();
        var sources = _package.Sources.Where(s => s.Key.EndsWith(".cl", StringComparison.Ordinal)).ToArray();
        string? why = _package.IsIlgpu ? "the package is C#, PoCL runs OpenCL C"
            : sources.Length != 1 ? $"the package has {sources.Length} OpenCL C source files (the peer builds exactly one)"
            : reference.Report is null ? "no target ran, so there are no buffers to give it"
            : null;
        if (why is not null)
        {
            _records.Add(Failed(name, "pocl", why));
            return;
        }
        try
        {
            var work = Directory.CreateTempSubdirectory("lava-bench-pocl-");
            var source = Path.Combine(work.FullName, "kernel.cl");
            File.WriteAllBytes(source, sources[0].Value);
            var options = string.Join(' ', _package.Manifest.Defines.Select(d => "-D" + d).Prepend($"-cl-std={_package.Manifest.LanguageVersion}"));
            var report = reference.Report!;
            RunOutcome Run(int repeat, int warmup) => VariantRunner.Run(new RunRequest(source, TargetId.Parse(BenchSettings.PoclTarget), report.Kernel, report.Range, report.Arguments,
                repeat, 0, _options.TimeLimit, _options.Sandbox, _options.MemoryLimit, _options.Cpus) { Warmup = warmup, OpenClSourceOptions = options });
            _progress("pocl peer: PoCL builds the OpenCL C source; pilot");
            var pilot = Run(2, 1);
            var plan = IterationPlan.FromPilot(pilot.KernelMs[0], _settings.Budget, _settings.Iterations, _settings.Warmup);
            _progress($"pocl peer: {plan.Warmup} warm-up + {plan.Iterations} timed iterations");
            var outcome = Run(plan.Iterations, plan.Warmup);
            work.Delete(recursive: true);
            var peerReport = report with { Outcome = outcome, Choice = new TargetChoice(TargetId.Parse(BenchSettings.PoclTarget), "the pocl peer") };
            var record = Figures(PeerRecord(name, "pocl", report.Range.Global, report.Range.Local ?? [], outcome.Execution, plan.Warmup),
                SampleSummary.Of(outcome.KernelMs), report.BufferBytes, machine, _cpu);
            _records.Add(record);
            _launched.Add((record, peerReport));
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            _records.Add(Failed(name, "pocl", e.Message));
        }
    }

    private void MeasureCTwin(MachineDescription machine)
    {
        var kernel = _options.Kernel;
        var name = $"c ({CTwin.Compiler})";
        if (!CTwin.Has(kernel))
        {
            _records.Add(Failed(name, "c", $"no C twin for kernel '{kernel}' (the suite has twins for {string.Join(", ", CTwin.Kernels)})"));
            return;
        }
        try
        {
            var global = _launched.Count > 0 ? _launched[0].Report.Range.Global : _options.Global;
            var work = Directory.CreateTempSubdirectory("lava-bench-c-");
            try
            {
                _progress("c peer: compiling and pilot");
                var pilot = CTwin.Run(kernel, global, _threads, new IterationPlan(1, 2), work.FullName);
                var plan = IterationPlan.FromPilot(pilot.Min(), _settings.Budget, _settings.Iterations, _settings.Warmup);
                _progress($"c peer: {plan.Warmup} warm-up + {plan.Iterations} timed iterations");
                var summary = SampleSummary.Of(CTwin.Run(kernel, global, _threads, plan, work.FullName));
                var bytes = _launched.Count > 0 ? _launched[0].Report.BufferBytes : 0;
                // The twin does the same arithmetic per element as the kernel: the same FLOPs.
                _records.Add(Figures(PeerRecord(name, "c", global, [], "native", plan.Warmup), summary, bytes, machine, _cpu));
            }
            finally
            {
                work.Delete(recursive: true);
            }
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            _records.Add(Failed(name, "c", e.Message));
        }
    }

    // A peer's record: run on this CPU with the kernel's sizes and FLOPs, under the peer's name.
    private BenchRecord PeerRecord(string name, string peer, long[] global, long[] local, string execution, int warmup) => new()
    {
        Kernel = _options.Kernel,
        Package = _package.Manifest.Name,
        PackageDigest = _package.Digest,
        Target = name,
        Peer = peer,
        DeviceProfile = _cpu.Id,
        Device = _cpu.Model,
        Execution = execution,
        Global = global,
        Local = local,
        Threads = _threads,
        Warmup = warmup,
        Flops = LaunchFlops(global),
        FlopsExact = _work?.LoopsResolved ?? false,
    };

    // FLOPs of one launch of the global size (0 before the IR was counted, or for C# kernels).
    private double LaunchFlops(long[] global) => (_work?.Flops ?? 0) * global.Aggregate(1L, (a, b) => a * b);

    private BenchRecord Record(LaunchReport report, IterationPlan plan, MachineDescription machine)
    {
        var device = DeviceFor(report.Choice.Target);
        _work ??= WorkEstimator.PerWorkItem(_package, report.Kernel.Name, Values(report));
        var record = new BenchRecord
        {
            Kernel = report.Kernel.Name,
            Package = _package.Manifest.Name,
            PackageDigest = _package.Digest,
            Target = report.Choice.Target.ToString(),
            VariantKey = report.Variant.Key,
            DeviceProfile = device.Id,
            Device = device.Model,
            Execution = report.Outcome.Execution,
            Global = report.Range.Global,
            Local = report.Range.Local ?? [],
            Threads = _threads,
            Warmup = plan.Warmup,
            Flops = LaunchFlops(report.Range.Global),
            FlopsExact = _work.LoopsResolved,
        };
        return Figures(record, SampleSummary.Of(report.Outcome.KernelMs), report.BufferBytes, machine, device);
    }

    // The figures every record has: statistics, throughput, the roofline fraction and warnings.
    private BenchRecord Figures(BenchRecord record, SampleSummary summary, long bytes, MachineDescription machine, DeviceProfile device)
    {
        var inv = CultureInfo.InvariantCulture;
        var bandwidth = device.Kind == "cpu" ? machine.BandwidthGbs : device.Memory?.BandwidthGbs ?? 0;
        var usesDouble = _package.Manifest.Kernels.FirstOrDefault(k => k.Name == record.Kernel)?.Arguments.Any(a => a.ElementType == ScalarType.Double) == true;
        var peak = (usesDouble ? device.PeakGflops?.Fp64 : device.PeakGflops?.Fp32) ?? 0;
        var seconds = summary.MedianMs / 1000;
        var gbps = seconds > 0 ? bytes / seconds / 1e9 : 0;
        var gflops = seconds > 0 ? record.Flops / seconds / 1e9 : 0;
        var warnings = summary.Warnings().ToList();
        double? fraction = null;
        if (record.IsEmulated)
        {
            warnings.Add($"emulated ({record.Execution}): not a hardware figure");
        }
        else
        {
            var intensity = bytes > 0 ? record.Flops / bytes : 0;
            var bound = record.Flops > 0 && peak > 0 ? Math.Min(peak, bandwidth * intensity) : 0;
            fraction = bound > 0 ? gflops / bound : bandwidth > 0 ? gbps / bandwidth : null;
            if (bandwidth > 0 && gbps > 1.1 * bandwidth)
            {
                var cache = CpuDiscovery.LastLevelCacheBytes();
                warnings.Add(bytes < 2 * cache
                    ? string.Create(inv, $"{gbps:0.#} GB/s is above the measured memory bandwidth ({bandwidth:0.#} GB/s): the {bytes / 1048576.0:0.#} MiB working set fits in the {cache / 1048576.0:0.#} MiB cache — use a larger size to measure memory")
                    : string.Create(inv, $"{gbps:0.#} GB/s is above the measured memory bandwidth ({bandwidth:0.#} GB/s)"));
            }
            if (peak > 0 && gflops > peak)
            {
                warnings.Add(string.Create(inv, $"{gflops:0.#} GFLOP/s is above the profile's estimated peak ({peak:0.#})"));
            }
        }
        if (record.Flops > 0 && !record.FlopsExact)
        {
            warnings.Add($"FLOP count assumes {WorkEstimator.LoopWeight} trips for a loop whose bound the launch does not fix");
        }
        return record with
        {
            Iterations = summary.Iterations,
            Outliers = summary.Outliers,
            MedianMs = summary.MedianMs,
            MeanMs = summary.MeanMs,
            StandardErrorMs = summary.StandardErrorMs,
            CiLowerMs = summary.CiLowerMs,
            CiUpperMs = summary.CiUpperMs,
            MinMs = summary.MinMs,
            MaxMs = summary.MaxMs,
            Bytes = bytes,
            Gbps = gbps,
            Gflops = gflops,
            PeakGflops = peak,
            BandwidthGbs = bandwidth,
            RooflineFraction = fraction,
            Warnings = warnings,
        };
    }

    // Outputs of every target against the first native one that ran (peers with their own inputs excluded).
    private List<BenchRecord> CompareOutputs()
    {
        var reference = _launched.FirstOrDefault(l => l.Record.Execution == "native");
        if (reference.Report is null)
        {
            return _records;
        }
        var verdicts = _launched.ToDictionary(l => l.Record, l => reference.Report.Outcome.Buffers.Keys.All(o =>
            OutputDifference.Of(reference.Report.Output(o), l.Report.Output(o)).MaxRelative <= 1e-3));
        return [.. _records.Select(r => verdicts.TryGetValue(r, out var agrees) ? r with { OutputsAgree = agrees } : r)];
    }

    private DeviceProfile DeviceFor(TargetId target)
    {
        var device = _devices.FirstOrDefault(d => d.Targets.Contains(target.ToString()));
        // PoCL and ILGPU's CPU accelerator run on this CPU: one piece of hardware, one roofline.
        return device is null || device.Kind == "cpu" ? _cpu : device;
    }

    private BenchRecord Failed(string target, string? peer, string error) => new()
    {
        Kernel = _options.Kernel,
        Package = _package.Manifest.Name,
        PackageDigest = _package.Digest,
        Target = target,
        Peer = peer,
        Global = _options.Global,
        Error = error,
    };

    private static LaunchValues Values(LaunchReport report)
    {
        var scalars = new Dictionary<int, long>();
        for (var i = 0; i < report.Arguments.Count; i++)
        {
            var argument = report.Arguments[i];
            if (argument.Parameter.Kind == KernelArgumentKind.Scalar && Integer(argument.Parameter.ElementType, argument.Bytes) is { } value)
            {
                scalars[i] = value;
            }
        }
        return new LaunchValues(scalars, report.Range.Global, report.Range.Local ?? [.. report.Range.Global.Select(_ => 1L)]);
    }

    private static long? Integer(ScalarType type, byte[] bytes) => type switch
    {
        ScalarType.Char when bytes.Length >= 1 => (sbyte)bytes[0],
        ScalarType.UChar when bytes.Length >= 1 => bytes[0],
        ScalarType.Short when bytes.Length >= 2 => BitConverter.ToInt16(bytes),
        ScalarType.UShort when bytes.Length >= 2 => BitConverter.ToUInt16(bytes),
        ScalarType.Int when bytes.Length >= 4 => BitConverter.ToInt32(bytes),
        ScalarType.UInt when bytes.Length >= 4 => BitConverter.ToUInt32(bytes),
        ScalarType.Long or ScalarType.ULong when bytes.Length >= 8 => BitConverter.ToInt64(bytes),
        _ => null,
    };

    private static string Seconds(TimeSpan time) => time.TotalSeconds >= 1
        ? string.Create(CultureInfo.InvariantCulture, $"{time.TotalSeconds:0.#} s")
        : string.Create(CultureInfo.InvariantCulture, $"{time.TotalMilliseconds:0} ms");
}
