using LavaAccel.Backends;
using LavaAccel.Toolchain;

namespace LavaAccel.Tests.Security;

/// <summary>
/// Kernel code that would leave the kernel — inline or module assembly, calls through function
/// pointers, code run when a variant is loaded — is refused by <c>lava pack</c> and again by the
/// compile worker for every LLVM target, however the package was made.
/// </summary>
public sealed class KernelEscapeTests(KernelWorkspace workspace) : IClassFixture<KernelWorkspace>
{
    public static TheoryData<string, string, string> Escapes() => new()
    {
        {
            "inline assembly",
            "__kernel void k(__global long* out) { __asm__ volatile(\"push %%rax\\n mov $39, %%eax\\n syscall\\n pop %%rax\" ::: \"memory\"); out[0] = 1; }",
            "inline assembly"
        },
        {
            "function pointer",
            "#pragma OPENCL EXTENSION __cl_clang_function_pointers : enable\ntypedef long (*fn)(void);\n__kernel void k(__global long* out, __global uchar* code) { fn f = (fn)(long)code; out[0] = f(); }",
            "indirect call"
        },
        {
            "module assembly",
            "__asm__(\".globl lava_evil\\nlava_evil: ret\");\n__kernel void k(__global long* out) { out[0] = 1; }",
            "module-level assembly"
        },
        {
            "constructor",
            "__attribute__((constructor)) void evil(void) { }\n__kernel void k(__global long* out) { out[0] = 1; }",
            "constructors"
        },
        {
            "alias",
            "void real(void) { }\nvoid al(void) __attribute__((alias(\"real\")));\n__kernel void k(__global long* out) { al(); out[0] = 1; }",
            "an alias"
        },
        {
            "section",
            "__constant long planted __attribute__((section(\".init_array\"))) = 0;\n__kernel void k(__global long* out) { out[0] = planted; }",
            "explicit section"
        },
    };

    [Theory]
    [MemberData(nameof(Escapes))]
    public void Pack_refuses_the_escape_and_names_it(string what, string source, string named)
    {
        var path = workspace.WriteFile($"{what.Replace(' ', '_')}.cl", source);
        var error = Assert.Throws<LavaException>(() => PackageBuilder.Pack(path, new PackOptions([])));
        Assert.Contains(named, error.Message);
        Assert.Contains("may not use", error.Message);
    }

    [Theory]
    [MemberData(nameof(Escapes))]
    public void A_hand_made_package_with_the_escape_does_not_compile_for_any_target(string what, string source, string named)
    {
        var package = HandMadePackages.FromOpenCl(workspace.Root, $"{what.Replace(' ', '_')}.cl", source);
        var path = workspace.WriteFile("hand-made.lava", package.Bytes);
        foreach (var target in new[] { "cpu/x86_64/x86-64-v2", "opencl/spir", "nvptx/sm_90" })
        {
            var variant = Path.Combine(workspace.Root, $"v-{Guid.NewGuid():N}");
            var error = Assert.Throws<LavaException>(() => CompileWorkerClient.Compile(path, TargetId.Parse(target), variant));
            Assert.Contains(named, error.Message);
            Assert.DoesNotContain("crashed", error.Message);
            Assert.False(File.Exists(variant), $"a variant was written for {target}");
        }
    }

    [Fact]
    public void A_manifest_that_disagrees_with_the_ir_does_not_compile()
    {
        var packed = workspace.Pack("agree.cl", "__kernel void k(__global float* out, float a) { out[get_global_id(0)] = a; }");
        var json = System.Text.RegularExpressions.Regex.Replace(
            System.Text.Encoding.UTF8.GetString(System.Text.Json.JsonSerializer.SerializeToUtf8Bytes(packed.Package.Manifest, ManifestJsonContext.Default.Manifest)),
            "\"elementType\":\\s*\"Float\"", "\"elementType\": \"Double\"");
        var lying = Package.Parse(HandMadePackages.WithManifest(packed.Package, System.Text.Encoding.UTF8.GetBytes(json)), "lying.lava");
        var path = workspace.WriteFile("lying.lava", lying.Bytes);
        var error = Assert.Throws<LavaException>(() => CompileWorkerClient.Compile(path, TargetId.Parse("cpu/x86_64/x86-64-v2"), Path.Combine(workspace.Root, $"v-{Guid.NewGuid():N}")));
        Assert.Contains("its manifest says argument 'out'", error.Message);
        Assert.Contains("global double*", error.Message);
        Assert.Contains("global float*", error.Message);
    }

    // Found by the red team: a function attribute makes the code generator call a function it names
    // (here the C library's abort) in the function's prologue, where no call instruction shows.
    private const string ProbeStack = """
        target datalayout = "e-i64:64-v16:16-v24:32-v32:32-v48:64-v96:128-v192:256-v256:256-v512:512-v1024:1024-G1"
        target triple = "spir64-unknown-unknown"

        define spir_func void @helper(ptr addrspace(1) %cmd) #1 {
        entry:
          %buf = alloca [16384 x i8], align 16
          call void @llvm.memset.p0.i64(ptr %buf, i8 1, i64 16384, i1 true)
          %v = load volatile i8, ptr %buf
          store volatile i8 %v, ptr addrspace(1) %cmd
          ret void
        }

        define spir_kernel void @k(ptr addrspace(1) %y) #0 !kernel_arg_addr_space !3 !kernel_arg_access_qual !4 !kernel_arg_type !5 !kernel_arg_base_type !5 !kernel_arg_type_qual !6 !kernel_arg_name !7 {
        entry:
          call spir_func void @helper(ptr addrspace(1) %y)
          ret void
        }
        declare void @llvm.memset.p0.i64(ptr, i8, i64, i1)

        attributes #0 = { nounwind }
        attributes #1 = { noinline nounwind "probe-stack"="abort" }
        !opencl.ocl.version = !{!1}
        !opencl.spir.version = !{!1}
        !1 = !{i32 1, i32 2}
        !3 = !{i32 1}
        !4 = !{!"none"}
        !5 = !{!"char*"}
        !6 = !{!""}
        !7 = !{!"y"}
        """;

    [Fact]
    public void A_function_attribute_that_makes_the_code_generator_call_is_refused()
    {
        var package = HandMadePackages.FromLlvmIr(workspace.Root, "probe", ProbeStack);
        var path = workspace.WriteFile("probe.lava", package.Bytes);
        foreach (var target in new[] { "opencl/spir", "cpu/x86_64/x86-64-v2" })
        {
            var error = Assert.Throws<LavaException>(() => CompileWorkerClient.Compile(path, TargetId.Parse(target), Path.Combine(workspace.Root, $"v-{Guid.NewGuid():N}")));
            Assert.Contains("probe-stack", error.Message);
        }
    }
}
