using System.Text.RegularExpressions;
using LavaAccel.Backends;
using LavaAccel.Backends.Ilgpu;
using LavaAccel.Ilgpu;
using LavaAccel.KernelSuite;
using LavaAccel.OpenCl;
using LavaAccel.Execution;

namespace LavaAccel.Tests;

/// <summary>C# kernels: packing, the ilgpu/* targets, and what a bad C# kernel gets.</summary>
public sealed class IlgpuBackendTests(KernelWorkspace workspace) : IClassFixture<KernelWorkspace>
{
    private const string TwoKernels = """
        public static class Two
        {
            public static void scale(Index1D i, float a, ArrayView<float> x) { x[i] = a * Square(x[i]); }
            public static void add(Index2D i, ArrayView<int> x, ArrayView<int> y, ArrayView<long> z) { z[i.Y * 4 + i.X] = x[i.X] + y[i.Y]; }
            private static float Square(float v) => v * v;
        }
        """;

    private PackedSource PackSuiteFile(string file) =>
        workspace.Pack(Path.GetFileName(file), File.ReadAllText(Path.Combine(SuiteRunner.KernelsDirectory, file)));

    [Fact]
    public void Packing_records_read_only_views_scalars_and_dynamic_shared_memory()
    {
        var saxpy = PackSuiteFile("csharp/Saxpy.cs").Package;
        Assert.True(saxpy.IsIlgpu);
        Assert.Equal(Manifest.IlgpuFormat, saxpy.Manifest.IrFormat);
        var args = saxpy.Manifest.GetKernel("saxpy").Arguments;
        Assert.Equal(["a", "x", "y"], args.Select(a => a.Name));
        Assert.Equal([KernelArgumentKind.Scalar, KernelArgumentKind.Buffer, KernelArgumentKind.Buffer], args.Select(a => a.Kind));
        Assert.True(args[1].IsConst);   // x is only read
        Assert.False(args[2].IsConst);  // y is written
        Assert.All(args, a => Assert.Equal(ScalarType.Float, a.ElementType));

        var reduction = PackSuiteFile("csharp/Reduction.cs").Package;
        var reduce = reduction.Manifest.GetKernel("reduce_sum").Arguments;
        Assert.Equal(["in", "partial", "scratch"], reduce.Select(a => a.Name));
        Assert.Equal(KernelArgumentKind.Local, reduce[2].Kind);
        Assert.Contains("barriers", reduction.Manifest.Features);
        Assert.Contains("local-memory", reduction.Manifest.Features);
        Assert.Equal("Reduction.cs", Assert.Single(reduction.Sources.Keys));
    }

    [Fact]
    public void Views_written_through_tuples_refs_or_helpers_are_not_read_only()
    {
        var packed = workspace.Pack("Writes.cs", """
            public static class Writes
            {
                public static void swap(Index1D i, ArrayView<float> a, ArrayView<float> b) { (a[i], b[i]) = (b[i], a[i]); }
                public static void viaref(Index1D i, ArrayView<int> r, ArrayView<int> h, ArrayView<int> only)
                {
                    ref var e = ref r[i];
                    e = only[i];
                    Set(h, i);
                }
                private static void Set(ArrayView<int> v, Index1D i) => v[i] = 1;
            }
            """).Package;
        Assert.All(packed.Manifest.GetKernel("swap").Arguments, a => Assert.False(a.IsConst, a.Name));
        var viaref = packed.Manifest.GetKernel("viaref").Arguments.ToDictionary(a => a.Name);
        Assert.False(viaref["r"].IsConst);
        Assert.False(viaref["h"].IsConst);
        Assert.True(viaref["only"].IsConst);
    }

    [Fact]
    public void Packing_is_deterministic_and_the_package_round_trips()
    {
        var path = workspace.WriteFile("Two.cs", TwoKernels);
        var first = LavaAccel.Toolchain.PackageBuilder.Pack(path, new([]));
        var second = LavaAccel.Toolchain.PackageBuilder.Pack(path, new([]));
        Assert.Equal(first.Digest, second.Digest);
        var loaded = Package.Parse(first.Bytes, "two");
        Assert.Equal(first.Il, loaded.Il);
        Assert.Equal(["scale", "add"], loaded.Manifest.Kernels.Select(k => k.Name));
        Assert.DoesNotContain("fp64", loaded.Manifest.Features);
        var error = Assert.Throws<LavaException>(() => _ = loaded.Ir);
        Assert.Contains("only ilgpu/* targets", error.Message);
    }

    public static TheoryData<string, int> CSharpFilesAndSms()
    {
        var data = new TheoryData<string, int>();
        foreach (var file in KernelSuite.KernelSuite.CSharp.Select(c => c.File).Distinct())
        {
            foreach (var sm in IlgpuCodeGenerator.Sms)
            {
                data.Add(file, sm);
            }
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(CSharpFilesAndSms))]
    public void Ptx_has_an_entry_per_kernel_for_each_sm(string file, int sm)
    {
        var packed = PackSuiteFile(file);
        var output = Path.Combine(workspace.Root, $"{Path.GetFileNameWithoutExtension(file)}-{sm}-{Guid.NewGuid():N}.ptx");
        var result = CompileWorkerClient.Compile(packed.Path, new TargetId("ilgpu", $"ptx-sm_{sm}", ""), output);
        Assert.Equal(".ptx", result.Extension);
        var ptx = File.ReadAllText(output);
        Assert.Single(Regex.Matches(ptx, @"(?m)^\.version \d+\.\d+$"));
        var target = int.Parse(Regex.Match(ptx, @"(?m)^\.target sm_(\d+)").Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(target, 70, sm);
        var entries = Regex.Matches(ptx, @"(?m)^\.visible \.entry Kernel_(\w+)\(").Select(m => m.Groups[1].Value);
        Assert.Equal(packed.Package.Manifest.Kernels.Select(k => k.Name).Order(), entries.Order());
        Assert.DoesNotMatch(@"(?m)^\.extern \.func", ptx);
    }

    [Fact]
    public void Several_kernels_make_one_ptx_module_and_one_opencl_program()
    {
        var packed = workspace.Pack("Two.cs", TwoKernels);
        var ptxPath = Path.Combine(workspace.Root, $"two-{Guid.NewGuid():N}.ptx");
        CompileWorkerClient.Compile(packed.Path, new TargetId("ilgpu", "ptx-sm_90", ""), ptxPath);
        var ptx = File.ReadAllText(ptxPath);
        Assert.Single(Regex.Matches(ptx, @"(?m)^\.target "));
        Assert.Equal(["Kernel_add", "Kernel_scale"], Regex.Matches(ptx, @"(?m)^\.visible \.entry (\w+)\(").Select(m => m.Groups[1].Value).Order());
        var functions = Regex.Matches(ptx, @"(?m)^\.func (?:\([^)]*\) )?(\w+)").Select(m => m.Groups[1].Value).ToList();
        Assert.Equal(functions.Count, functions.Distinct().Count());

        var clPath = Path.Combine(workspace.Root, $"two-{Guid.NewGuid():N}.cl");
        var result = CompileWorkerClient.Compile(packed.Path, IlgpuBackend.OpenCl, clPath);
        Assert.Equal(".cl", result.Extension);
        var source = File.ReadAllText(clPath);
        Assert.Equal(["Kernel_add", "Kernel_scale"], Regex.Matches(source, @"kernel void (\w+)\(").Select(m => m.Groups[1].Value).Order());
        // A real OpenCL compiler accepts it where one is installed (PoCL in CI).
        using var device = OpenClDevice.Find(OpenClDeviceKind.Any, _ => true, out _);
        if (device is not null)
        {
            using var program = OpenClProgram.FromSource(device, source, "-cl-std=CL2.0");
        }
    }

    [Fact]
    public void Compile_all_builds_only_the_ilgpu_targets_for_a_csharp_package()
    {
        using var home = new TempLavaHome();
        var path = workspace.WriteFile("Two.cs", TwoKernels);
        var result = LavaCli.Run(home.Path, "compile", path, "--targets", "all", "--json");
        Assert.True(result.ExitCode == 0, result.ToString());
        var targets = Regex.Matches(result.Stdout, "\"target\": \"([^\"]+)\"").Select(m => m.Groups[1].Value).ToList();
        Assert.Equal(new IlgpuBackend().Targets.Select(t => t.ToString()).Order(), targets.Order());
    }

    [Fact]
    public void Backends_refuse_the_other_language_by_name()
    {
        var csharp = workspace.Pack("Two.cs", TwoKernels);
        var opencl = workspace.Pack("k.cl", "__kernel void k(__global float* x) { x[get_global_id(0)] = 1; }");
        var cpu = Assert.Throws<LavaException>(() => CompileWorkerClient.Compile(csharp.Path, TargetId.Parse("cpu/x86_64/x86-64-v2"), Path.Combine(workspace.Root, "a.so")));
        Assert.Contains("C# (ILGPU) kernels", cpu.Message);
        var ilgpu = Assert.Throws<LavaException>(() => CompileWorkerClient.Compile(opencl.Path, IlgpuBackend.Cpu, Path.Combine(workspace.Root, "b.dll")));
        Assert.Contains("OpenCL C kernels", ilgpu.Message);
    }

    public static TheoryData<string, string, string> BadKernels() => new()
    {
        { "files", "public static class K { public static void k(Index1D i, ArrayView<int> x) { System.IO.File.WriteAllText(\"/tmp/x\", \"\"); x[i] = 1; } }", "System.IO.File" },
        { "syntax", "public static class K { public static void k(Index1D i, ArrayView<int> x) { x[i] = ; } }", "K.cs:1:" },
        { "not-a-kernel", "public static class K { public static void k(Index1D i, string s) { } }", "not a kernel" },
        { "unsafe", "public static class K { public static unsafe void k(Index1D i, ArrayView<int> x) { int* p = null; x[i] = *p; } }", "CS0227" },
        { "static-state", "public static class K { static int[] t = new int[4]; public static void k(Index1D i, ArrayView<int> x) { x[i] = t.Length; } }", "static constructor" },
        { "reflection", "public static class K { public static void k(Index1D i, ArrayView<int> x) { x[i] = typeof(K).GetHashCode(); } }", "System.Type" },
        { "no-kernels", "public static class K { private static void k() { } }", "defines no kernels" },
    };

    [Theory]
    [MemberData(nameof(BadKernels))]
    public void A_bad_csharp_kernel_is_refused_at_pack_time_by_name(string name, string source, string expected)
    {
        var path = workspace.WriteFile("K.cs", source);
        var error = Assert.Throws<LavaException>(() => LavaAccel.Toolchain.PackageBuilder.Pack(path, new([])));
        Assert.True(error.Message.Contains(expected, StringComparison.Ordinal), $"{name}: {error.Message}");
    }

    [Fact]
    public void A_handmade_package_with_forbidden_references_is_refused_when_compiled()
    {
        // Bypass `lava pack`: an assembly that reaches the file system, labelled as ILGPU kernels.
        var compilation = LavaAccel.Toolchain.CSharp.CSharpCompiler.Compile("Evil", [("E.cs", "public static class E { public static void k(Index1D i, ArrayView<int> x) { System.IO.File.Delete(\"/x\"); } }")], []);
        var il = LavaAccel.Toolchain.CSharp.CSharpCompiler.Emit(compilation, "E.cs");
        var manifest = new Manifest
        {
            Name = "evil",
            IrFormat = Manifest.IlgpuFormat,
            IrDigest = Digest.Of(il).ToString(),
            LanguageVersion = "csharp-14",
            Kernels = [new KernelSignature("k", [new KernelArgument("x", "ArrayView<int>", AddressSpace.Global, ScalarType.Int, 1, false, true)])],
        };
        var path = Path.Combine(workspace.Root, $"evil-{Guid.NewGuid():N}.lava");
        new Package(manifest, il, new Dictionary<string, byte[]>()).Save(path);
        var error = Assert.Throws<LavaException>(() => CompileWorkerClient.Compile(path, IlgpuBackend.Cpu, Path.Combine(workspace.Root, "evil.dll")));
        Assert.Contains("System.IO.File", error.Message);
    }

    [Fact]
    public void A_feature_ilgpu_lacks_fails_the_compile_with_the_kernel_named()
    {
        // Boxing (a managed object) inside a kernel: ILGPU compiles no such thing, for any target.
        var packed = workspace.Pack("Box.cs", "public static class A { public static void grow(Index1D i, ArrayView<int> x) { object o = i.X; x[i] = (int)o; } }");
        foreach (var target in new[] { IlgpuBackend.Cpu, new TargetId("ilgpu", "ptx-sm_90", ""), IlgpuBackend.OpenCl })
        {
            var error = Assert.Throws<LavaException>(() => CompileWorkerClient.Compile(packed.Path, target, Path.Combine(workspace.Root, $"alloc-{Guid.NewGuid():N}")));
            Assert.Contains("kernel 'grow'", error.Message);
            Assert.Contains("'System.Object' is not supported", error.Message);
        }
    }

    [Fact]
    public void Out_of_bounds_and_endless_kernels_fail_cleanly_and_the_next_job_runs()
    {
        var packed = workspace.Pack("Bad.cs", """
            public static class Bad
            {
                public static void oob(Index1D i, ArrayView<float> y) { y[i + 10] = 1; }
                public static void spin(Index1D i, ArrayView<int> y) { while (y[0] == 0) { y[1] = y[1] + 1; } }
                public static void fill(Index1D i, ArrayView<int> y) { y[i] = i * 3; }
            }
            """);
        var variant = workspace.Compile(packed, IlgpuBackend.Cpu).ArtifactPath;
        RunRequest Request(string kernel, TimeSpan? limit = null)
        {
            var signature = packed.Package.Manifest.GetKernel(kernel);
            var range = new NdRange([64], null).Resolve(signature);
            var arguments = ArgumentBinder.Bind(signature, ["y=zeros:64"], workspace.Root);
            return new RunRequest(variant, IlgpuBackend.Cpu, signature, range, arguments, TimeLimit: limit ?? TimeSpan.FromMinutes(1));
        }
        var oob = Assert.ThrowsAny<LavaException>(() => VariantRunner.Run(Request("oob")));
        Assert.Contains("out of bounds", oob.Message);
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var spin = Assert.ThrowsAny<LavaException>(() => VariantRunner.Run(Request("spin", TimeSpan.FromSeconds(2))));
        Assert.Contains("time limit of 2 s", spin.Message);
        Assert.True(clock.Elapsed.TotalSeconds >= 2, $"stopped after {clock.Elapsed}, before its limit"); // stopped: the call returned
        var fill = VariantRunner.Run(Request("fill"));
        Assert.Equal(LavaAccel.Sandbox.SandboxKinds.Default(), fill.Sandbox);
        var values = System.Runtime.InteropServices.MemoryMarshal.Cast<byte, int>(fill.Buffers["y"]).ToArray();
        Assert.Equal(Enumerable.Range(0, 64).Select(i => i * 3), values);
    }

    [Fact]
    public void Targets_lists_the_ilgpu_targets_and_which_run_here()
    {
        using var home = new TempLavaHome();
        var result = LavaCli.Run(home.Path, "targets");
        Assert.True(result.ExitCode == 0, result.ToString());
        foreach (var target in new[] { "ilgpu/cpu", "ilgpu/ptx-sm_70", "ilgpu/ptx-sm_80", "ilgpu/ptx-sm_90", "ilgpu/opencl" })
        {
            Assert.Contains(target, result.Stdout);
        }
        Assert.Null(new IlgpuBackend().WhyNotRunnable(IlgpuBackend.Cpu));
        Assert.Contains("OpenCL 2.0", new IlgpuBackend().WhyNotRunnable(IlgpuBackend.OpenCl));
    }

    [Fact]
    public void Lava_run_packs_and_runs_a_csharp_file()
    {
        using var home = new TempLavaHome();
        var output = Path.Combine(workspace.Root, $"y-{Guid.NewGuid():N}.npy");
        var result = LavaCli.Run(home.Path, "run", Path.Combine(SuiteRunner.KernelsDirectory, "csharp", "Saxpy.cs"), "--kernel", "saxpy", "--global", "256",
            "--arg", "a=2", "--arg", "x=range:256", "--arg", "y=ones:256", "--out", $"y={output}");
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("ilgpu/cpu", result.Stdout);
        var y = (float[])NpyArray.Load(output).ToArray();
        Assert.Equal(Enumerable.Range(0, 256).Select(i => 2f * i + 1), y);
    }
}
