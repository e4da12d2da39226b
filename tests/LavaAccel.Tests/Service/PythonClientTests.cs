using System.Diagnostics;

namespace LavaAccel.Tests.Service;

/// <summary>
/// The Python example client (docs/examples/python/lava_client.py) against a live service, with
/// stubs generated from the service's protos by Debian's grpcio tools: what a scheduler written in
/// Python sees — global_size, paged lists, google.rpc.Status details.
/// </summary>
public sealed class PythonClientTests(ServiceFixture service) : IClassFixture<ServiceFixture>, IDisposable
{
    private const string Python = "/usr/bin/python3";
    private readonly TempLavaHome _home = new();

    public void Dispose() => _home.Dispose();

    [Fact]
    public void The_python_example_submits_follows_and_reads_a_job()
    {
        if (!File.Exists(Python) || Run(Python, ["-c", "import grpc, grpc_tools"], null).Exit != 0)
        {
            Assert.False(Environment.IsPrivilegedProcess, "CI installs python3-grpcio and python3-grpc-tools (tools/bootstrap.sh)");
            return;
        }
        var stubs = Directory.CreateDirectory(Path.Combine(_home.Path, "stubs")).FullName;
        var protos = Path.GetDirectoryName(Path.GetDirectoryName(Path.GetDirectoryName(LavaCli.RepoFile("src/LavaAccel.Api/Protos/lava/v1/jobs.proto"))))!;
        var generated = Run(Python, ["-m", "grpc_tools.protoc", "-I", protos, $"--python_out={stubs}", $"--grpc_python_out={stubs}",
            .. Directory.GetFiles(Path.Combine(protos, "lava", "v1"), "*.proto")], null);
        Assert.True(generated.Exit == 0, generated.Output);
        var package = Path.Combine(_home.Path, "saxpy.lava");
        Assert.Equal(0, LavaCli.Run(_home.Path, "pack", LavaCli.RepoFile("kernels/saxpy.cl"), "-o", package).ExitCode);
        var result = Run(Python, [LavaCli.RepoFile("docs/examples/python/lava_client.py"), $"127.0.0.1:{service.Port}", package],
            new Dictionary<string, string> { ["PYTHONPATH"] = stubs, ["LAVA_TOKEN"] = service.AdminToken });
        Assert.True(result.Exit == 0, result.Output);
        Assert.Contains("succeeded", result.Output);
        Assert.Contains("y[0]=1 y[1023]=2047", result.Output);
        Assert.Contains("error INVALID_ARGUMENT: kind 'banana' is not a device kind", result.Output);
    }

    private static (int Exit, string Output) Run(string tool, string[] args, Dictionary<string, string>? environment)
    {
        var start = new ProcessStartInfo(tool) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }
        foreach (var (name, value) in environment ?? [])
        {
            start.Environment[name] = value;
        }
        using var process = Process.Start(start)!;
        var error = process.StandardError.ReadToEndAsync();
        var output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        return (process.ExitCode, output + error.Result);
    }
}
