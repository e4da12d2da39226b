namespace LavaAccel.Tests.Cli;

/// <summary>What lava says when it does not understand the command line, and what it says about itself.</summary>
public sealed class CommandLineHelpTests : IDisposable
{
    private readonly TempLavaHome _home = new();

    public void Dispose() => _home.Dispose();

    [Theory]
    [InlineData(new[] { "rn" }, "error: unknown command 'rn' (did you mean `run`?)")]
    [InlineData(new[] { "cache", "lss" }, "error: unknown command 'lss' for `lava cache` (did you mean `ls`?)")]
    [InlineData(new[] { "run", "kernels/saxpy.cl", "--kernl", "saxpy", "--global", "4" }, "error: unknown option '--kernl' for `lava run` (did you mean `--kernel`?)")]
    [InlineData(new[] { "run", "--kernal", "saxpy", "kernels/saxpy.cl" }, "error: unknown option '--kernal' for `lava run` (did you mean `--kernel`?)")]
    [InlineData(new[] { "cache" }, "error: `lava cache` needs a command (`lava cache --help` lists them)")]
    public void A_typo_is_named_with_the_nearest_command_or_option(string[] args, string expected)
    {
        var result = LavaCli.Run(_home.Path, args);
        Assert.Equal(2, result.ExitCode);
        Assert.StartsWith(expected, result.Stderr.Trim());
        Assert.Single(result.Stderr.Trim().Split('\n'));
    }

    [Fact]
    public void Version_names_the_version_and_the_commit()
    {
        var result = LavaCli.Run(_home.Path, "--version");
        Assert.Equal(0, result.ExitCode);
        Assert.Matches(@"^\d+\.\d+\.\d+\+[0-9a-f]{7,40}$", result.Stdout.Trim());
    }

    [Fact]
    public void Help_groups_the_commands()
    {
        var result = LavaCli.Run(_home.Path, "--help");
        Assert.Equal(0, result.ExitCode);
        var text = result.Stdout;
        var local = text.IndexOf("On this machine:", StringComparison.Ordinal);
        var service = text.IndexOf("On the service", StringComparison.Ordinal);
        var admin = text.IndexOf("Running and administering the service:", StringComparison.Ordinal);
        Assert.True(local >= 0 && local < service && service < admin, text);
        Assert.InRange(text.IndexOf("\n  run ", StringComparison.Ordinal), local, service);
        Assert.InRange(text.IndexOf("\n  submit ", StringComparison.Ordinal), service, admin);
        Assert.True(text.IndexOf("\n  users ", StringComparison.Ordinal) > admin);
        Assert.DoesNotContain("slurm-job", text); // internal commands stay hidden
    }

    [Fact]
    public void Piped_tables_are_plain_columns_without_trailing_spaces()
    {
        var result = LavaCli.Run(_home.Path, "targets");
        Assert.Equal(0, result.ExitCode);
        var lines = result.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Matches(@"^target +kernels +compile +run here$", lines[0]);
        Assert.Contains(lines, l => l.StartsWith("cpu/x86_64/x86-64-v2 ", StringComparison.Ordinal));
        // A long cell stays on its row (a grep finds it whole).
        Assert.Contains(lines, l => l.StartsWith("ilgpu/opencl ", StringComparison.Ordinal) && l.EndsWith("the OpenCL C is still generated", StringComparison.Ordinal));
        Assert.All(lines, l => Assert.Equal(l.TrimEnd(), l));
        // Digests whole (a terminal gets them shortened unless --no-trunc).
        var compiled = LavaCli.Run(_home.Path, "compile", LavaCli.RepoFile("kernels/saxpy.cl"), "--targets", "cpu/x86_64/x86-64-v2");
        Assert.True(compiled.ExitCode == 0, compiled.ToString());
        Assert.Matches(@"sha256:[0-9a-f]{64}$", compiled.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries)[1]);
    }
}
