using System.Text;
using System.Text.Json.Nodes;

namespace LavaAccel.Tests.Security;

/// <summary>
/// Damaged or hostile input to the command line — packages, manifests, arguments, .npy files,
/// file names — is one clear <c>error:</c> line naming the problem and an exit status of 1 or 2,
/// never an internal error, a hang or a write outside what was asked.
/// </summary>
public sealed class BadInputTests(KernelWorkspace workspace) : IClassFixture<KernelWorkspace>, IDisposable
{
    private readonly TempLavaHome _home = new();

    public void Dispose() => _home.Dispose();

    private static readonly string Saxpy = LavaCli.RepoFile("kernels/saxpy.cl");

    private LavaCli.Result Lava(params string[] args) => LavaCli.Run(_home.Path, args);

    private static void AssertCleanError(LavaCli.Result result, string expected)
    {
        Assert.True(result.ExitCode is 1 or 2, result.ToString());
        var lines = result.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries).Where(l => l.StartsWith("error:", StringComparison.Ordinal)).ToList();
        var line = Assert.Single(lines);
        Assert.DoesNotContain("internal error", line);
        Assert.Contains(expected, line);
    }

    private string SaxpyPackage()
    {
        var path = Path.Combine(workspace.Root, $"saxpy-{Guid.NewGuid():N}.lava");
        var result = Lava("pack", Saxpy, "-o", path);
        Assert.True(result.ExitCode == 0, result.ToString());
        return path;
    }

    // The saxpy package with its manifest edited as JSON.
    private string Edited(Action<JsonObject> edit)
    {
        var package = Package.Load(SaxpyPackage());
        var manifest = JsonNode.Parse(System.Text.Json.JsonSerializer.SerializeToUtf8Bytes(package.Manifest, ManifestJsonContext.Default.Manifest))!.AsObject();
        edit(manifest);
        var path = Path.Combine(workspace.Root, $"edited-{Guid.NewGuid():N}.lava");
        File.WriteAllBytes(path, HandMadePackages.WithManifest(package, Encoding.UTF8.GetBytes(manifest.ToJsonString())));
        return path;
    }

    public static TheoryData<string, string> BadManifests() => new()
    {
        { "null name", "its name (none)" },
        { "null arguments", "has no argument list" },
        { "null argument", "argument 1 of kernel 'saxpy' is null" },
        { "path as name", "its name '../../../tmp/evil'" },
        { "control characters", "its name 'evil?[31m" },
        { "vector width", "has vector width 0" },
        { "long kernel name", "is not an identifier of 1 to 511 characters" },
        { "too many arguments", "has 129 arguments (at most 128)" },
        { "unknown element type", "is corrupted or not a .lava package" },
    };

    [Theory]
    [MemberData(nameof(BadManifests))]
    public void A_bad_manifest_is_one_clear_error_for_inspect_and_run(string what, string expected)
    {
        var path = Edited(m =>
        {
            var kernel = m["kernels"]![0]!.AsObject();
            var arguments = kernel["arguments"]!.AsArray();
            switch (what)
            {
                case "null name": m["name"] = null; break;
                case "null arguments": kernel["arguments"] = null; break;
                case "null argument": arguments[1] = null; break;
                case "path as name": m["name"] = "../../../tmp/evil"; break;
                case "control characters": m["name"] = "evil\u001b[31mRED\u0007"; break;
                case "vector width": arguments[0]!["vectorWidth"] = 0; break;
                case "long kernel name": kernel["name"] = new string('k', 600); break;
                case "too many arguments":
                    for (var i = 0; i < 126; i++)
                    {
                        var copy = arguments[0]!.DeepClone();
                        copy["name"] = $"extra{i}";
                        arguments.Add(copy);
                    }
                    break;
                case "unknown element type": arguments[1]!["elementType"] = "Banana"; break;
            }
        });
        AssertCleanError(Lava("inspect", path), expected);
        AssertCleanError(Lava("run", path, "--kernel", "saxpy", "--global", "64", "--arg", "a=2", "--arg", "x=ones:64", "--arg", "y=ones:64"), expected);
    }

    [Fact]
    public void Flipped_manifest_bytes_are_clear_errors()
    {
        var package = Package.Load(SaxpyPackage());
        var manifest = System.Text.Json.JsonSerializer.SerializeToUtf8Bytes(package.Manifest, ManifestJsonContext.Default.Manifest);
        for (var i = 0; i < manifest.Length; i += 23)
        {
            var flipped = (byte[])manifest.Clone();
            flipped[i] ^= 0xff;
            var path = Path.Combine(workspace.Root, $"flipped-{i}.lava");
            File.WriteAllBytes(path, HandMadePackages.WithManifest(package, flipped));
            var result = Lava("inspect", path);
            Assert.DoesNotContain("internal error", result.Stderr);
            Assert.True(result.ExitCode is 0 or 1 or 2, result.ToString());
        }
    }

    public static TheoryData<string[], string> BadArguments() => new()
    {
        { ["--arg", "a=2", "--arg", "x=ones:4611686018427387904", "--arg", "y=ones:64"], "more than lava will generate" },
        { ["--arg", "a=2", "--arg", "x=ones:64", "--arg", "y=ones:64", "--time-limit", "1e300"], "--time-limit 1E+300 is out of range" },
        { ["--arg", "a=2", "--arg", "x=ones:64", "--arg", "y=ones:64", "--repeat", "2000000000"], "--repeat 2000000000 is out of range" },
        { ["--arg", "a=2", "--arg", "x=ones:64", "--arg", "y=ones:64", "--cpus", "1e300"], "--cpus 1E+300 is out of range" },
        { ["--arg", "a=2", "--arg", "x=ones:64", "--arg", "y=ones:64", "--memory-limit", "99999999999T"], "at most 1P" },
        { ["--arg", "a=1e999", "--arg", "x=ones:64", "--arg", "y=ones:64"], "'1e999' is not a valid float" },
        { ["--arg", "a=2", "--arg", "x=@/dev/zero", "--arg", "y=ones:64"], "not a regular file" },
        { ["--arg", "a=2", "--arg", "x=@/tmp", "--arg", "y=ones:64"], "is a directory" },
        { ["--arg", "a=2", "--arg", "x=ones:64", "--arg", "y=ones:64", "--out", "y=/proc/self/comm"], "is a kernel interface" },
        { ["--arg", "a=2", "--arg", "x=ones:64", "--arg", "y=ones:64", "--out", "y=/nonexistent/d/y.npy"], "its directory does not exist" },
    };

    [Theory]
    [MemberData(nameof(BadArguments))]
    public void Bad_arguments_and_limits_are_clear_errors(string[] arguments, string expected) =>
        AssertCleanError(Lava(["run", Saxpy, "--kernel", "saxpy", "--global", "64", .. arguments]), expected);

    public static TheoryData<string, string> BadNpyFiles() => new()
    {
        { "('a',)", "malformed shape" },
        { "(-16,)", "malformed shape" },
        { "(4611686018427387904, 4)", "which no file can hold" },
        { "(99999999999999999999999,)", "malformed shape" },
    };

    [Theory]
    [MemberData(nameof(BadNpyFiles))]
    public void Npy_files_with_bad_shapes_are_clear_errors(string shape, string expected)
    {
        var header = Encoding.Latin1.GetBytes($"{{'descr': '<f4', 'fortran_order': False, 'shape': {shape}, }}".PadRight(117) + "\n");
        var npy = new byte[10 + header.Length + 64];
        Encoding.Latin1.GetBytes("\u0093NUMPY").CopyTo(npy, 0);
        npy[6] = 1;
        BitConverter.GetBytes((ushort)header.Length).CopyTo(npy, 8);
        header.CopyTo(npy, 10);
        var path = workspace.WriteFile("bad.npy", npy);
        AssertCleanError(Lava("run", Saxpy, "--kernel", "saxpy", "--global", "64", "--arg", "a=2", "--arg", $"x=@{path}", "--arg", "y=ones:64"), expected);
    }

    [Fact]
    public void A_fifo_argument_is_refused_at_once()
    {
        var fifo = Path.Combine(workspace.Root, $"in-{Guid.NewGuid():N}.npy");
        using (var mkfifo = System.Diagnostics.Process.Start("mkfifo", fifo)!)
        {
            mkfifo.WaitForExit();
        }
        AssertCleanError(Lava("run", Saxpy, "--kernel", "saxpy", "--global", "64", "--arg", "a=2", "--arg", $"x=@{fifo}", "--arg", "y=ones:64"), "not a regular file");
    }

    [Fact]
    public void Outputs_never_follow_a_link()
    {
        var victim = workspace.WriteFile("victim.txt", "keep me");
        var link = Path.Combine(workspace.Root, $"out-{Guid.NewGuid():N}.npy");
        File.CreateSymbolicLink(link, victim);
        AssertCleanError(Lava("run", Saxpy, "--kernel", "saxpy", "--global", "64", "--arg", "a=2", "--arg", "x=ones:64", "--arg", "y=ones:64", "--out", $"y={link}"), "symbolic link");
        Assert.Equal("keep me", File.ReadAllText(victim));
    }

    [Fact]
    public void A_source_file_named_like_an_option_is_a_file_and_package_names_are_safe()
    {
        var directory = Directory.CreateDirectory(Path.Combine(workspace.Root, Guid.NewGuid().ToString("N"))).FullName;
        File.Copy(Saxpy, Path.Combine(directory, "-fpass-plugin=evil.cl"));
        var output = Path.Combine(directory, "out.lava");
        var packed = LavaCli.Run(_home.Path, "pack", Path.Combine(directory, "-fpass-plugin=evil.cl"), "-o", output);
        Assert.True(packed.ExitCode == 0, packed.ToString());
        Assert.True(ManifestRules.IsPackageName(Package.Load(output).Manifest.Name));
        var emit = Path.Combine(directory, "emit");
        var compiled = Lava("compile", output, "--targets", "cpu/x86_64/x86-64-v2", "--emit", emit);
        Assert.True(compiled.ExitCode == 0, compiled.ToString());
        Assert.Single(Directory.GetFiles(emit));
    }

    [Fact]
    public void Kernel_names_too_long_for_the_worker_are_refused_at_pack()
    {
        var path = workspace.WriteFile("long.cl", $"__kernel void {new string('k', 600)}(__global int* x) {{ x[0] = 1; }}");
        AssertCleanError(Lava("pack", path, "-o", Path.ChangeExtension(path, ".lava")), "is not an identifier of 1 to 511 characters");
    }

    [Fact]
    public void Huge_work_group_memory_and_overflowing_ranges_are_refused()
    {
        var local = workspace.WriteFile("local.cl", "__kernel void k(__global int* y, __local int* l) { l[get_local_id(0)] = 1; y[get_global_id(0)] = l[0]; }");
        AssertCleanError(Lava("run", local, "--kernel", "k", "--global", "4", "--local", "4", "--arg", "y=zeros:4", "--arg", "l=local:4000000000"), "more work-group memory than lava gives a kernel");
        AssertCleanError(Lava("run", Saxpy, "--kernel", "saxpy", "--global", "4294967296,4294967296", "--arg", "a=2", "--arg", "x=ones:4", "--arg", "y=ones:4"), "more than 2^62 work-items");
    }

    [Fact]
    public void A_compiler_crash_is_one_line()
    {
        // clang-15 crashes on a function pointer cast from buffer data (found by the red team).
        var path = workspace.WriteFile("fptr.cl", "#pragma OPENCL EXTENSION __cl_clang_function_pointers : enable\nint g(int x){return x+1;}\n__kernel void k(__global int* y){ int (*p)(int) = g; if (y[1]) p = (int(*)(int))(ulong)y[2]; y[0]=p(y[0]); }\n");
        var result = Lava("pack", path, "-o", Path.ChangeExtension(path, ".lava"));
        Assert.True(result.ExitCode is 1 or 2, result.ToString());
        Assert.Single(result.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.True(result.Stderr.Contains("crashed", StringComparison.Ordinal) || result.Stderr.Contains("indirect call", StringComparison.Ordinal), result.Stderr);
    }

    [Fact]
    public void A_package_of_an_unknown_code_format_is_refused()
    {
        var path = Edited(m => m["irFormat"] = "x86_64-linux-gnu/llvm-19");
        AssertCleanError(Lava("inspect", path), "is not one lava reads");
    }
}
