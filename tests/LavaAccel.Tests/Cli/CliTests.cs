using System.Diagnostics;
using System.Text.Json;
using System.Text.RegularExpressions;
using LavaAccel.Execution;

namespace LavaAccel.Tests;

/// <summary>The <c>lava</c> command line: <c>--json</c> documents, one-line errors, and the commands working together.</summary>
public sealed partial class CliTests(KernelWorkspace workspace) : IClassFixture<KernelWorkspace>, IDisposable
{
    // A LAVA_HOME of its own: other tests compiling the same kernel must not turn a compile here into a cache hit.
    private readonly TempLavaHome _home = new();

    public void Dispose() => _home.Dispose();

    private const string Saxpy = """
        __kernel void saxpy(float a, __global const float* x, __global float* y)
        {
            size_t i = get_global_id(0);
            y[i] = a * x[i] + y[i];
        }
        """;

    private sealed record Result(int ExitCode, string Stdout, string Stderr);

    private Result Lava(params string[] args)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = workspace.Root,
        };
        start.ArgumentList.Add("exec");
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "lava.dll"));
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }
        start.Environment["LAVA_HOME"] = _home.Path;
        using var process = Process.Start(start)!;
        var stderr = process.StandardError.ReadToEndAsync();
        var stdout = process.StandardOutput.ReadToEnd();
        Assert.True(process.WaitForExit(TimeSpan.FromMinutes(2)), "lava did not finish");
        return new Result(process.ExitCode, stdout, stderr.Result);
    }

    private string SaxpySource() => workspace.WriteFile("saxpy.cl", Saxpy);

    [GeneratedRegex("sha256:[0-9a-f]{64}")]
    private static partial Regex DigestPattern();

    [Fact]
    public void Json_run_prints_one_document_with_the_contract_keys()
    {
        var source = SaxpySource();
        var output = Path.Combine(Path.GetDirectoryName(source)!, "y.npy");
        var result = Lava("--json", "run", source, "--kernel", "saxpy", "--global", "64", "--arg", "a=2", "--arg", "x=range:64", "--arg", "y=ones:64",
            "--out", $"y={output}", "--target", "cpu/x86_64/x86-64-v2");
        Assert.True(result.ExitCode == 0, result.Stderr);

        // Parse fails on anything after the document: stdout holds exactly one.
        using var json = JsonDocument.Parse(result.Stdout);
        var root = json.RootElement;
        foreach (var key in new[] { "target", "sandbox", "cache_hit", "compile_ms", "sandbox_start_ms", "kernel_ms_median", "outputs" })
        {
            Assert.True(root.TryGetProperty(key, out _), $"--json run lacks '{key}'");
        }
        Assert.Equal("cpu/x86_64/x86-64-v2", root.GetProperty("target").GetString());
        Assert.Equal(JsonValueKind.String, root.GetProperty("sandbox").ValueKind);
        Assert.True(root.GetProperty("cache_hit").ValueKind is JsonValueKind.True or JsonValueKind.False);
        Assert.True(root.GetProperty("compile_ms").GetDouble() > 0);
        Assert.True(root.GetProperty("sandbox_start_ms").GetDouble() >= 0);
        Assert.True(root.GetProperty("kernel_ms_median").GetDouble() >= 0);
        Assert.Equal(output, root.GetProperty("outputs").GetProperty("y").GetString());

        var y = (float[])NpyArray.Load(output).ToArray();
        Assert.Equal(Enumerable.Range(0, 64).Select(i => 2f * i + 1f).ToArray(), y);
    }

    [Fact]
    public void Json_inspect_describes_the_package_pack_wrote()
    {
        var package = Path.Combine(workspace.Root, $"inspect-{Guid.NewGuid():N}.lava");
        var packed = Lava("--json", "pack", SaxpySource(), "-o", package);
        Assert.True(packed.ExitCode == 0, packed.Stderr);
        using var packJson = JsonDocument.Parse(packed.Stdout);

        var result = Lava("--json", "inspect", package);
        Assert.True(result.ExitCode == 0, result.Stderr);
        using var json = JsonDocument.Parse(result.Stdout);
        var root = json.RootElement;
        Assert.Equal(Package.Load(package).Digest, root.GetProperty("digest").GetString());
        Assert.Equal(packJson.RootElement.GetProperty("digest").GetString(), root.GetProperty("digest").GetString());
        Assert.Equal("CL1.2", root.GetProperty("language_version").GetString());
        var kernel = Assert.Single(root.GetProperty("kernels").EnumerateArray().ToArray());
        Assert.Equal("saxpy", kernel.GetProperty("name").GetString());
        var arguments = kernel.GetProperty("arguments").EnumerateArray().ToArray();
        Assert.Equal(["a", "x", "y"], arguments.Select(a => a.GetProperty("name").GetString()));
        Assert.Equal(["scalar", "buffer", "buffer"], arguments.Select(a => a.GetProperty("kind").GetString()));
        Assert.True(arguments[1].GetProperty("const").GetBoolean());
        Assert.False(arguments[2].GetProperty("const").GetBoolean());
    }

    [Fact]
    public void Json_targets_lists_every_target_with_whether_it_runs_here()
    {
        var result = Lava("--json", "targets");
        Assert.True(result.ExitCode == 0, result.Stderr);
        using var json = JsonDocument.Parse(result.Stdout);
        var targets = json.RootElement.EnumerateArray().ToDictionary(t => t.GetProperty("target").GetString()!, t => t.GetProperty("runnable").GetBoolean());
        foreach (var id in new[] { "cpu/x86_64/x86-64-v2", "cpu/x86_64/x86-64-v3", "cpu/x86_64/x86-64-v4", "cpu/x86_64/native", "cpu/aarch64/generic", "cpu/aarch64/neoverse-n1", "cpu/aarch64/neoverse-v2", "cpu/aarch64/a64fx" })
        {
            Assert.True(targets.ContainsKey(id), $"--json targets lacks {id}");
        }
        foreach (var runnable in RunnableTargets.Cpu)
        {
            Assert.True(targets[runnable.ToString()], $"{runnable} runs here but --json targets says it does not");
        }
    }

    public static TheoryData<string, string[]> BadInputs() => new()
    {
        { "package 'saxpy' has no kernel 'nope'", ["run", "{saxpy}", "--kernel", "nope", "--global", "4", "--arg", "a=1", "--arg", "x=ones:4", "--arg", "y=ones:4"] },
        { "--global", ["run", "{saxpy}", "--kernel", "saxpy", "--arg", "a=1", "--arg", "x=ones:4", "--arg", "y=ones:4"] },
        { "does not exist", ["run", "{missing}", "--kernel", "saxpy", "--global", "4"] },
        { "does not exist", ["--json", "inspect", "{missing}"] },
        { "'abc' is not a valid float", ["--json", "run", "{saxpy}", "--kernel", "saxpy", "--global", "4", "--arg", "a=abc", "--arg", "x=ones:4", "--arg", "y=ones:4"] },
        { "unknown target", ["run", "{saxpy}", "--kernel", "saxpy", "--global", "4", "--arg", "a=1", "--arg", "x=ones:4", "--arg", "y=ones:4", "--target", "cpu/x86_64/pentium"] },
        { "not divisible", ["run", "{saxpy}", "--kernel", "saxpy", "--global", "10", "--local", "4", "--arg", "a=1", "--arg", "x=ones:10", "--arg", "y=ones:10"] },
        { "crashed (SIGSEGV)", ["run", "{saxpy}", "--kernel", "saxpy", "--global", "4096", "--arg", "a=1", "--arg", "x=ones:4", "--arg", "y=ones:4"] },
    };

    [Theory]
    [MemberData(nameof(BadInputs))]
    public void Bad_input_exits_non_zero_with_one_error_line_and_no_trace(string expected, string[] args)
    {
        var saxpy = SaxpySource();
        var result = Lava([.. args.Select(a => a.Replace("{saxpy}", saxpy).Replace("{missing}", Path.Combine(workspace.Root, "missing.lava")))]);
        Assert.NotEqual(0, result.ExitCode);
        Assert.Equal("", result.Stdout);
        var lines = result.Stderr.TrimEnd('\n').Split('\n');
        Assert.True(lines.Length == 1, $"stderr has {lines.Length} lines:\n{result.Stderr}");
        Assert.StartsWith("error: ", lines[0]);
        Assert.DoesNotContain("   at ", result.Stderr);
        Assert.Contains(expected, lines[0]);
    }

    [Fact]
    public void Inspect_shows_the_digest_pack_printed()
    {
        var package = Path.Combine(workspace.Root, $"saxpy-{Guid.NewGuid():N}.lava");
        var packed = Lava("pack", SaxpySource(), "-o", package);
        Assert.True(packed.ExitCode == 0, packed.Stderr);
        var printed = DigestPattern().Match(packed.Stdout);
        Assert.True(printed.Success, $"pack printed no digest:\n{packed.Stdout}");
        Assert.Contains(package, packed.Stdout);

        var inspected = Lava("inspect", package);
        Assert.True(inspected.ExitCode == 0, inspected.Stderr);
        var digestLine = inspected.Stdout.Split('\n').Single(l => l.StartsWith("digest", StringComparison.Ordinal));
        Assert.Equal(printed.Value, DigestPattern().Match(digestLine).Value);
        Assert.Equal(Package.Load(package).Digest, printed.Value);
        Assert.Contains("saxpy", inspected.Stdout);
    }

    [Fact]
    public void Compare_of_saxpy_on_x86_and_aarch64_differs_by_at_most_1e_6()
    {
        var result = Lava("--json", "compare", SaxpySource(), "--kernel", "saxpy", "--global", "1024", "--arg", "a=2.5", "--arg", "x=random:1024",
            "--arg", "y=random:1024:7", "--targets", "cpu/x86_64/x86-64-v2,cpu/aarch64/generic");
        Assert.True(result.ExitCode == 0, result.Stderr);
        using var json = JsonDocument.Parse(result.Stdout);
        var root = json.RootElement;
        Assert.Equal("cpu/x86_64/x86-64-v2", root.GetProperty("reference").GetString());
        Assert.Equal(["cpu/x86_64/x86-64-v2", "cpu/aarch64/generic"], root.GetProperty("targets").EnumerateArray().Select(t => t.GetProperty("target").GetString()));
        var difference = Assert.Single(root.GetProperty("differences").EnumerateArray().ToArray());
        Assert.Equal("cpu/aarch64/generic", difference.GetProperty("target").GetString());
        Assert.Equal("y", difference.GetProperty("output").GetString());
        Assert.Equal(1024, difference.GetProperty("elements").GetInt64());
        Assert.InRange(difference.GetProperty("max_abs").GetDouble(), 0, 1e-6);
        Assert.InRange(difference.GetProperty("max_rel").GetDouble(), 0, 1e-6);
    }
}
