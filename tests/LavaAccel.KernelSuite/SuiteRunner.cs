using System.Globalization;
using LavaAccel.Backends;
using LavaAccel.Execution;
using LavaAccel.Toolchain;

namespace LavaAccel.KernelSuite;

/// <summary>
/// Runs suite cases on targets: packs each kernel file once, compiles each (file, target) once in
/// the compile worker, and runs cases through the same runner <c>lava run</c> uses.
/// </summary>
public sealed class SuiteRunner : IDisposable
{
    private readonly DirectoryInfo _work = Directory.CreateTempSubdirectory("lava-suite-");
    private readonly Dictionary<string, (Package Package, string Path)> _packages = new(StringComparer.Ordinal);
    private readonly Dictionary<(string File, TargetId Target), string> _variants = new();
    private readonly Lock _lock = new();

    /// <summary>The repository's <c>kernels/</c> directory.</summary>
    public static string KernelsDirectory { get; } = FindKernels();

    /// <summary>Packs (once) the suite file a case uses.</summary>
    public (Package Package, string Path) PackageFor(SuiteCase suiteCase)
    {
        lock (_lock)
        {
            if (!_packages.TryGetValue(suiteCase.File, out var entry))
            {
                var package = PackageBuilder.Pack(Path.Combine(KernelsDirectory, suiteCase.File), new PackOptions([]));
                var path = Path.Combine(_work.FullName, Path.ChangeExtension(suiteCase.File.Replace('/', '_'), ".lava"));
                package.Save(path);
                entry = (package, path);
                _packages[suiteCase.File] = entry;
            }
            return entry;
        }
    }

    /// <summary>Compiles (once) the case's file for a target; returns the variant path.</summary>
    public string VariantFor(SuiteCase suiteCase, TargetId target)
    {
        var (_, packagePath) = PackageFor(suiteCase);
        lock (_lock)
        {
            if (!_variants.TryGetValue((suiteCase.File, target), out var variant))
            {
                variant = Path.Combine(_work.FullName, $"{Path.GetFileNameWithoutExtension(suiteCase.File.Replace('/', '_'))}-{target.ToString().Replace('/', '_')}.so");
                CompileWorkerClient.Compile(packagePath, target, variant);
                _variants[(suiteCase.File, target)] = variant;
            }
            return variant;
        }
    }

    /// <summary>
    /// Binds a case's inputs exactly as <c>lava run</c> would (through .npy files and argument
    /// texts), so that every peer in a comparison gets the same bytes.
    /// </summary>
    public PreparedCase Prepare(SuiteCase suiteCase)
    {
        var (package, _) = PackageFor(suiteCase);
        var kernel = package.Manifest.GetKernel(suiteCase.Kernel);
        var data = suiteCase.MakeInputs();
        var inputs = Directory.CreateTempSubdirectory("lava-case-");
        try
        {
            var texts = new List<string>();
            foreach (var (name, values) in data.Buffers)
            {
                var file = Path.Combine(inputs.FullName, name + ".npy");
                NpyArray.FromArray(values).Save(file);
                texts.Add($"{name}=@{file}");
            }
            texts.AddRange(data.Scalars.Select(s => $"{s.Key}={s.Value}"));
            texts.AddRange(data.Locals.Select(l => $"{l.Key}=local:{l.Value.ToString(CultureInfo.InvariantCulture)}"));
            var arguments = ArgumentBinder.Bind(kernel, texts, inputs.FullName);
            var range = new NdRange(suiteCase.Global, suiteCase.Local).Resolve(kernel);
            return new PreparedCase(suiteCase, package, kernel, arguments, range, data);
        }
        finally
        {
            inputs.Delete(recursive: true);
        }
    }

    /// <summary>Runs a case on a target; returns every writable buffer as a typed array, plus timings.</summary>
    public (IReadOnlyDictionary<string, Array> Outputs, RunOutcome Outcome) Run(SuiteCase suiteCase, TargetId target, int repeat = 1)
    {
        var prepared = Prepare(suiteCase);
        var variant = VariantFor(suiteCase, target);
        var package = PackageFor(suiteCase).Package;
        var outcome = VariantRunner.Run(new RunRequest(variant, target, prepared.Kernel, prepared.Range, prepared.Arguments, repeat, 0, TimeSpan.FromMinutes(5),
            PackageCode: package.IsIlgpu ? package.Code : null));
        return (prepared.Typed(outcome.Buffers), outcome);
    }

    /// <summary>
    /// Compares outputs with the reference: |got − expected| ≤ abs + rel·|expected| for every element.
    /// Returns null when they match, else a description of the first mismatches.
    /// </summary>
    public static string? Mismatch(SuiteCase suiteCase, IReadOnlyDictionary<string, Array> expected, IReadOnlyDictionary<string, Array> actual)
    {
        foreach (var (name, want) in expected)
        {
            if (!actual.TryGetValue(name, out var got))
            {
                return $"output '{name}' was not produced";
            }
            if (got.Length != want.Length)
            {
                return $"output '{name}' has {got.Length} elements, expected {want.Length}";
            }
            var bad = 0;
            var first = "";
            for (var i = 0; i < want.Length; i++)
            {
                var w = Convert.ToDouble(want.GetValue(i), CultureInfo.InvariantCulture);
                var g = Convert.ToDouble(got.GetValue(i), CultureInfo.InvariantCulture);
                if (!(Math.Abs(g - w) <= suiteCase.AbsTolerance + suiteCase.RelTolerance * Math.Abs(w)))
                {
                    if (bad++ == 0)
                    {
                        first = $"{name}[{i}] = {g.ToString("R", CultureInfo.InvariantCulture)}, expected {w.ToString("R", CultureInfo.InvariantCulture)}";
                    }
                }
            }
            if (bad > 0)
            {
                return $"{bad} of {want.Length} elements of '{name}' differ; first: {first}";
            }
        }
        return null;
    }

    private static string FindKernels()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "kernels");
            if (File.Exists(Path.Combine(candidate, "saxpy.cl")))
            {
                return candidate;
            }
        }
        throw new DirectoryNotFoundException("kernels/ not found above " + AppContext.BaseDirectory);
    }

    /// <summary>Deletes packages and variants.</summary>
    public void Dispose() => _work.Delete(recursive: true);
}
