using System.Runtime.InteropServices;
using LavaAccel.Backends;
using LavaAccel.Execution;
using LavaAccel.Toolchain;

namespace LavaAccel.Tests;

/// <summary>
/// A temporary directory for test kernels written as strings: packs each source once and compiles
/// each (package, target) once in the compile worker, then runs through the same runner <c>lava run</c>
/// uses. Used as a class fixture, so a test class pays for each compile a single time.
/// </summary>
public sealed class KernelWorkspace : IDisposable
{
    private readonly DirectoryInfo _root = Directory.CreateTempSubdirectory("lava-tests-");
    private readonly Dictionary<string, PackedSource> _packed = new(StringComparer.Ordinal);
    private readonly Dictionary<(string Digest, TargetId Target), CompileResult> _variants = [];
    private readonly Lock _lock = new();
    private int _files;

    /// <summary>The directory everything is written under.</summary>
    public string Root => _root.FullName;

    /// <summary>Writes a file into a fresh sub-directory (names never collide) and returns its path.</summary>
    public string WriteFile(string fileName, string text) => WriteFile(fileName, System.Text.Encoding.UTF8.GetBytes(text));

    /// <summary>Writes bytes into a fresh sub-directory and returns the path.</summary>
    public string WriteFile(string fileName, byte[] bytes)
    {
        var directory = Directory.CreateDirectory(Path.Combine(Root, $"f{Interlocked.Increment(ref _files)}"));
        var path = Path.Combine(directory.FullName, fileName);
        File.WriteAllBytes(path, bytes);
        return path;
    }

    /// <summary>Saves values as a one-dimensional .npy file and returns its path.</summary>
    public string SaveNpy(Array values)
    {
        var path = Path.Combine(Root, $"buffer{Interlocked.Increment(ref _files)}.npy");
        NpyArray.FromArray(values).Save(path);
        return path;
    }

    /// <summary>Packs an OpenCL C source (once per source, language version and defines).</summary>
    public PackedSource Pack(string fileName, string source, string languageVersion = "CL1.2", params string[] defines)
    {
        var key = string.Join('\0', [fileName, languageVersion, .. defines, source]);
        lock (_lock)
        {
            if (!_packed.TryGetValue(key, out var packed))
            {
                var path = WriteFile(fileName, source);
                var package = PackageBuilder.Pack(path, new PackOptions(defines, languageVersion));
                var packagePath = Path.ChangeExtension(path, ".lava");
                package.Save(packagePath);
                packed = new PackedSource(package, packagePath);
                _packed[key] = packed;
            }
            return packed;
        }
    }

    /// <summary>Compiles a package for a target (once) in the compile worker.</summary>
    public CompileResult Compile(PackedSource packed, TargetId target)
    {
        lock (_lock)
        {
            if (!_variants.TryGetValue((packed.Package.Digest, target), out var compiled))
            {
                var variant = Path.ChangeExtension(packed.Path, null) + "-" + target.ToString().Replace('/', '_') + ".so";
                compiled = CompileWorkerClient.Compile(packed.Path, target, variant);
                _variants[(packed.Package.Digest, target)] = compiled;
            }
            return compiled;
        }
    }

    /// <summary>Runs a kernel of a packed source on a target; arguments are <c>NAME=VALUE</c> texts.</summary>
    public RunOutcome Run(PackedSource packed, string kernelName, string target, long[] global, long[]? local, params string[] arguments)
    {
        var targetId = TargetId.Parse(target);
        var compiled = Compile(packed, targetId);
        var kernel = packed.Package.Manifest.GetKernel(kernelName);
        var range = new NdRange(global, local).Resolve(kernel);
        var bound = ArgumentBinder.Bind(kernel, arguments, Root);
        return VariantRunner.Run(new RunRequest(compiled.ArtifactPath, targetId, kernel, range, bound, 1, 0, TimeSpan.FromMinutes(2)));
    }

    /// <summary>A written-back buffer of a run as typed elements.</summary>
    public static T[] Output<T>(RunOutcome outcome, string name) where T : struct
    {
        Assert.True(outcome.Buffers.ContainsKey(name), $"the run wrote back no buffer '{name}'");
        return MemoryMarshal.Cast<byte, T>(outcome.Buffers[name]).ToArray();
    }

    /// <summary>Deletes everything written.</summary>
    public void Dispose() => _root.Delete(recursive: true);
}
