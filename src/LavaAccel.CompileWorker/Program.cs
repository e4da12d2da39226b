// The compile worker: compiles one package for one target in a process of its own, because LLVM
// aborts the whole process on some bad input. lava reports such a crash as a clean error.
//
// usage: lava-compile-worker PACKAGE.lava TARGET OUTPUT
// stdout: {"compile_ms":…,"size":…,"kernels":{"name":"loop|fibers"}}; errors: one line on stderr, exit 1.
using System.Diagnostics;
using System.Text.Json;
using LavaAccel;
using LavaAccel.Backends;

if (args.Length != 3)
{
    Console.Error.WriteLine("usage: lava-compile-worker PACKAGE.lava TARGET OUTPUT");
    return 2;
}
try
{
    var package = Package.Load(args[0]);
    var target = TargetId.Parse(args[1]);
    var backend = BackendRegistry.For(target);
    backend.ConfigureProcess(target);
    var clock = Stopwatch.StartNew();
    var artifact = backend.Compile(package, target);
    var elapsed = clock.Elapsed.TotalMilliseconds;
    var temp = args[2] + ".tmp-" + Environment.ProcessId;
    File.WriteAllBytes(temp, artifact.Bytes);
    File.Move(temp, args[2], overwrite: true);
    using var stdout = Console.OpenStandardOutput();
    using var json = new Utf8JsonWriter(stdout);
    json.WriteStartObject();
    json.WriteNumber("compile_ms", Math.Round(elapsed, 3));
    json.WriteNumber("size", artifact.Bytes.Length);
    json.WriteString("extension", artifact.Extension);
    json.WriteStartObject("kernels");
    foreach (var (kernel, mode) in artifact.KernelModes)
    {
        json.WriteString(kernel, mode);
    }
    json.WriteEndObject();
    json.WriteEndObject();
    return 0;
}
catch (LavaException e)
{
    Console.Error.WriteLine(e.Message);
    return 1;
}
