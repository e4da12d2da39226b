// The ILGPU worker: runs one launch of a C# kernel on an ILGPU accelerator in a process of its
// own, so that a kernel that fails an assertion (ILGPU's CPU accelerator ends the process on an
// out-of-bounds view), crashes or never returns takes only this process down; lava kills it at
// the time limit.
//
// usage: lava-ilgpu-worker JOB.json
// stdout: {"times_ms":[…],"cpu_user_ms":…,"cpu_system_ms":…,"peak_bytes":…}; written buffers are
// written back into their files. Errors: one line on stderr, exit 1.
using System.Diagnostics;
using System.Text.Json.Nodes;
using LavaAccel;
using LavaAccel.Ilgpu;

if (args.Length != 1)
{
    Console.Error.WriteLine("usage: lava-ilgpu-worker JOB.json");
    return 2;
}
try
{
    var job = IlgpuJob.Read(args[0]);
    var directory = Path.GetDirectoryName(Path.GetFullPath(args[0]))!;
    using var assembly = IlgpuAssembly.Load(File.ReadAllBytes(job.Assembly), $"kernel '{job.Kernel}'");
    var (times, outputs) = IlgpuLauncher.Run(assembly, job.Kernel, job.Arguments, job.Global, job.Local, job.Repeat, job.Device, timeLimit: null);
    for (var i = 0; i < job.Arguments.Count; i++)
    {
        if (outputs.TryGetValue(job.Arguments[i].Name, out var bytes))
        {
            File.WriteAllBytes(IlgpuJob.BufferFile(directory, i), bytes);
        }
    }
    var usage = Environment.CpuUsage;
    using var self = Process.GetCurrentProcess();
    var report = new JsonObject
    {
        ["times_ms"] = new JsonArray([.. times.Select(t => (JsonNode)Math.Round(t, 6))]),
        ["cpu_user_ms"] = usage.UserTime.TotalMilliseconds,
        ["cpu_system_ms"] = usage.PrivilegedTime.TotalMilliseconds,
        ["peak_bytes"] = self.PeakWorkingSet64,
    };
    Console.Out.Write(report.ToJsonString());
    return 0;
}
catch (LavaException e)
{
    Console.Error.WriteLine(e.Message);
    return 1;
}
