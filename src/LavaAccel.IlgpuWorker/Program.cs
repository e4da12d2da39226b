// The ILGPU worker: runs one launch of a C# kernel on an ILGPU accelerator in a process of its
// own, inside the job's sandbox (as lava's native worker does), so that a kernel that fails an
// assertion (ILGPU's CPU accelerator ends the process on an out-of-bounds view), crashes or never
// returns takes only this process down; lava kills it at the time limit or when cancelled.
//
// usage: lava-ilgpu-worker ASSEMBLY JOB.json
//        lava-ilgpu-worker --wait   (prints "ready", then reads "ASSEMBLY<tab>JOB.json" from stdin)
// stdout: the native worker's report format, one JSON line:
//   {"status":"ok","kernel_ms":[…],"usage":{"user_us":…,"sys_us":…,"max_rss_kb":…}}
//   {"status":"error","message":"…"} (exit 1); written buffers are written back into their files.
using System.Diagnostics;
using System.Text.Json.Nodes;
using LavaAccel;
using LavaAccel.Ilgpu;

string assemblyPath, jobPath;
if (args is ["--wait"])
{
    Console.Out.WriteLine("ready");
    Console.Out.Flush();
    var request = Console.In.ReadLine()?.Split('\t');
    if (request is not [var a, var j])
    {
        return Report(Error("expected 'ASSEMBLY<tab>JOBFILE' on stdin"), 2);
    }
    (assemblyPath, jobPath) = (a, j);
}
else if (args is [var a, var j])
{
    (assemblyPath, jobPath) = (a, j);
}
else
{
    Console.Error.WriteLine("usage: lava-ilgpu-worker ASSEMBLY JOB.json | lava-ilgpu-worker --wait");
    return 2;
}
try
{
    var job = IlgpuJob.Read(jobPath);
    var directory = Path.GetDirectoryName(Path.GetFullPath(jobPath))!;
    using var assembly = IlgpuAssembly.Load(File.ReadAllBytes(assemblyPath), $"kernel '{job.Kernel}'");
    // CLOCK_MONOTONIC, which Stopwatch reads on Linux: lava's dispatch time counts to here.
    var entered = (long)(Stopwatch.GetTimestamp() * (1e9 / Stopwatch.Frequency));
    var (times, outputs) = IlgpuLauncher.Run(assembly, job.Kernel, job.Arguments, job.Global, job.Local, job.Repeat, job.Device, timeLimit: null, job.Warmup);
    for (var i = 0; i < job.Arguments.Count; i++)
    {
        if (outputs.TryGetValue(job.Arguments[i].Name, out var bytes))
        {
            // In place: the file lava created, exactly its size.
            using var file = new FileStream(IlgpuJob.BufferFile(directory, i), FileMode.Open, FileAccess.Write);
            file.Write(bytes);
        }
    }
    var report = new JsonObject
    {
        ["status"] = "ok",
        ["kernel_ms"] = new JsonArray([.. times.Select(t => (JsonNode)Math.Round(t, 6))]),
        ["entered_ns"] = entered,
    };
    return Report(report, 0);
}
catch (LavaException e)
{
    Console.Error.WriteLine(e.Message);
    return Report(Error(e.Message), 1);
}

static JsonObject Error(string message) => new() { ["status"] = "error", ["message"] = message };

static int Report(JsonObject report, int exitCode)
{
    var usage = Environment.CpuUsage;
    using var self = Process.GetCurrentProcess();
    report["usage"] = new JsonObject
    {
        ["user_us"] = Math.Round(usage.UserTime.TotalMicroseconds),
        ["sys_us"] = Math.Round(usage.PrivilegedTime.TotalMicroseconds),
        ["max_rss_kb"] = self.PeakWorkingSet64 / 1024,
    };
    Console.Out.WriteLine(report.ToJsonString());
    Console.Out.Flush();
    return exitCode;
}
