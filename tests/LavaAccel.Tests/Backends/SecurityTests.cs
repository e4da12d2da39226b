using LavaAccel.Backends;

namespace LavaAccel.Tests;

/// <summary>Security by construction: kernels may call only the runtime library, refused before code generation.</summary>
public sealed class SecurityTests(KernelWorkspace workspace) : IClassFixture<KernelWorkspace>
{
    public static TheoryData<string, string, string, string> ForbiddenCalls() => new()
    {
        { "open", "int open(const char* path, int flags);", "char path[12] = \"/etc/passwd\"; r = open(path, 0);", "cpu/x86_64/x86-64-v2" },
        { "open", "int open(const char* path, int flags);", "char path[12] = \"/etc/passwd\"; r = open(path, 0);", "cpu/aarch64/generic" },
        { "socket", "int socket(int domain, int type, int protocol);", "r = socket(2, 1, 0);", "cpu/x86_64/x86-64-v2" },
        { "fork", "int fork(void);", "r = fork();", "cpu/x86_64/x86-64-v2" },
        { "system", "int system(__constant char* command);", "r = system(\"touch /tmp/lava-pwned\");", "cpu/x86_64/x86-64-v2" },
    };

    [Theory]
    [MemberData(nameof(ForbiddenCalls))]
    public void Kernel_calling_a_system_function_packs_but_does_not_compile(string symbol, string declaration, string call, string target)
    {
        var packed = workspace.Pack($"{symbol}.cl", $$"""
            {{declaration}}
            __kernel void k(__global int* out)
            {
                int r;
                {{call}}
                out[get_global_id(0)] = r;
            }
            """);
        Assert.Equal("k", Assert.Single(packed.Package.Manifest.Kernels).Name);

        var variant = Path.Combine(workspace.Root, $"{symbol}-{Guid.NewGuid():N}.so");
        var error = Assert.Throws<LavaException>(() => CompileWorkerClient.Compile(packed.Path, TargetId.Parse(target), variant));
        Assert.Contains($"'{symbol}'", error.Message);
        Assert.Contains("may not call", error.Message);
        Assert.Contains(target, error.Message);
        Assert.False(File.Exists(variant), "a variant was written for a refused kernel");
    }

    [Fact]
    public void Kernel_referring_to_an_external_variable_does_not_compile()
    {
        var packed = workspace.Pack("environ.cl", """
            extern __global char* environ;
            __kernel void k(__global int* out) { out[get_global_id(0)] = environ[0]; }
            """, "CL2.0");
        var variant = Path.Combine(workspace.Root, $"environ-{Guid.NewGuid():N}.so");
        var error = Assert.Throws<LavaException>(() => CompileWorkerClient.Compile(packed.Path, TargetId.Parse("cpu/x86_64/x86-64-v2"), variant));
        Assert.Contains("'environ'", error.Message);
        Assert.Contains("external variable", error.Message);
        Assert.False(File.Exists(variant));
    }

    [Fact]
    public void Kernel_using_only_builtins_compiles()
    {
        // The refusals above are about the symbols, not about every declaration: math builtins
        // that end in libm calls are allowed.
        var packed = workspace.Pack("allowed.cl", """
            __kernel void k(__global float* out) { size_t i = get_global_id(0); out[i] = sin((float)i) + pow(2.0f, (float)i) + erf((float)i); }
            """);
        var compiled = workspace.Compile(packed, TargetId.Parse("cpu/x86_64/x86-64-v2"));
        Assert.True(File.Exists(compiled.ArtifactPath));
        Assert.True(compiled.Size > 0);
        Assert.Equal("loop", compiled.KernelModes["k"]);
    }
}
