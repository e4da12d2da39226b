using System.CommandLine;
using System.Globalization;
using LavaAccel.Execution;
using LavaAccel.Sandbox;

namespace LavaAccel.Cli.Commands;

/// <summary>The options <c>run</c> and <c>compare</c> share: what to launch and with which arguments.</summary>
internal sealed class LaunchOptionSet
{
    public Argument<string> Input { get; } = new("PKG") { Description = "A .lava package, or an OpenCL C file to pack on the fly" };
    public Option<string> Kernel { get; } = new("--kernel", "-k") { Description = "Kernel to run", Required = true };
    public Option<string> Global { get; } = new("--global", "-g") { Description = "Global size N[,N[,N]]", Required = true };
    public Option<string?> Local { get; } = new("--local", "-l") { Description = "Local (work-group) size L[,L[,L]]" };
    public Option<string[]> Args { get; } = new("--arg", "-a") { Description = "NAME=VALUE: scalar, @FILE.npy, random:COUNT[:SEED], zeros:COUNT, ones:COUNT, range:COUNT, local:COUNT" };
    public Option<string[]> Outs { get; } = new("--out", "-o") { Description = "NAME=FILE.npy: write a buffer after the run" };
    public Option<int> Repeat { get; } = new("--repeat", "-r") { Description = "Run R times and report the median", DefaultValueFactory = _ => 1 };
    public Option<string[]> Defines { get; } = new("-D") { Description = "Preprocessor definition when running an OpenCL C file" };
    public Option<double?> TimeLimit { get; } = new("--time-limit") { Description = "Kill the kernel after SECONDS" };
    public Option<string> Sandbox { get; } = new("--sandbox") { Description = "Isolation: oci (runc container; the default as root), bwrap (bubblewrap; the default without root), none (a plain process: no isolation)", DefaultValueFactory = _ => "auto" };
    public Option<string?> MemoryLimit { get; } = new("--memory-limit") { Description = "Memory limit, e.g. 512M (a cgroup limit under oci; a data-size limit otherwise)" };
    public Option<double?> Cpus { get; } = new("--cpus") { Description = "CPU quota in cores, e.g. 1.5 (oci)" };

    public void AddTo(Command command)
    {
        command.Arguments.Add(Input);
        foreach (var option in new Option[] { Kernel, Global, Local, Args, Outs, Repeat, Defines, TimeLimit, Sandbox, MemoryLimit, Cpus })
        {
            command.Options.Add(option);
        }
    }

    public LaunchOptions Read(ParseResult result, string target)
    {
        var repeat = result.GetValue(Repeat);
        if (repeat is < 1 or > LaunchOptions.MaxRepeat)
        {
            throw new LavaException($"--repeat {repeat} is out of range (1 to {LaunchOptions.MaxRepeat})");
        }
        var seconds = result.GetValue(TimeLimit);
        if (seconds is { } limit && !(limit > 0 && limit <= LaunchOptions.MaxTimeLimit.TotalSeconds))
        {
            throw new LavaException($"--time-limit {limit.ToString(System.Globalization.CultureInfo.InvariantCulture)} is out of range (more than 0, at most {LaunchOptions.MaxTimeLimit.TotalSeconds:0} seconds)");
        }
        var local = result.GetValue(Local);
        var sandbox = LavaAccel.Sandbox.SandboxKinds.Parse(result.GetValue(Sandbox)!);
        var memory = result.GetValue(MemoryLimit) is { } m ? LavaAccel.Sandbox.SandboxLimits.ParseSize(m) : (long?)null;
        var cpus = result.GetValue(Cpus);
        if (cpus is { } quota && !(quota > 0 && quota <= Environment.ProcessorCount))
        {
            throw new LavaException($"--cpus {quota.ToString(System.Globalization.CultureInfo.InvariantCulture)} is out of range (more than 0, at most this machine's {Environment.ProcessorCount} cores)");
        }
        if (sandbox == LavaAccel.Sandbox.SandboxKind.None)
        {
            Console.Error.WriteLine("warning: --sandbox none runs the kernel as a plain child process: no container, no cgroup limits (the native worker's own seccomp allowlist still applies)");
        }
        if (memory is not null && sandbox != LavaAccel.Sandbox.SandboxKind.Oci)
        {
            Console.Error.WriteLine($"warning: {sandbox.Name()} has no cgroups: --memory-limit is a per-process data-size limit (allocations beyond it fail)");
        }
        if (cpus is not null && sandbox != LavaAccel.Sandbox.SandboxKind.Oci)
        {
            Console.Error.WriteLine($"warning: --cpus is enforced only by the oci sandbox; under {sandbox.Name()} it sets the thread count");
        }
        return new LaunchOptions(
            result.GetValue(Input)!,
            result.GetValue(Kernel)!,
            NdRange.ParseSizes(result.GetValue(Global)!, "--global"),
            local is null ? null : NdRange.ParseSizes(local, "--local"),
            result.GetValue(Args) ?? [],
            target,
            repeat,
            seconds is { } s ? TimeSpan.FromSeconds(s) : null,
            result.GetValue(Defines) ?? [],
            sandbox,
            memory,
            cpus);
    }

    /// <summary>The <c>--out NAME=FILE</c> pairs, checked before anything runs.</summary>
    public IReadOnlyList<(string Name, string File)> ReadOuts(ParseResult result) => ParseOuts(result.GetValue(Outs) ?? []);

    /// <summary>Parses <c>--out NAME=FILE.npy</c> values (also <c>lava submit</c>'s).</summary>
    public static IReadOnlyList<(string Name, string File)> ParseOuts(IEnumerable<string> outs) =>
        outs.Select(o =>
        {
            var eq = o.IndexOf('=', StringComparison.Ordinal);
            return eq > 0 && eq < o.Length - 1 ? (o[..eq], o[(eq + 1)..]) : throw new LavaException($"--out '{o}' is not NAME=FILE.npy");
        }).ToArray();

    public static string Invariant(double value) => value.ToString("0.###", CultureInfo.InvariantCulture);
}
