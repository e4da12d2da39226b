using System.Diagnostics;
using LavaAccel.Sandbox;

namespace LavaAccel.Runtime;

/// <summary>
/// The usage record of a job that a device runtime (OpenCL, CUDA) ran in lava's own process: the
/// process's CPU time over the job and its peak working set.
/// </summary>
internal sealed class InProcessUsage : IDisposable
{
    private readonly Process _self = Process.GetCurrentProcess();
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly TimeSpan _user;
    private readonly TimeSpan _system;

    public InProcessUsage()
    {
        _user = _self.UserProcessorTime;
        _system = _self.PrivilegedProcessorTime;
    }

    /// <summary>The record, from the start until now.</summary>
    public UsageRecord Finish(string runtime)
    {
        var wall = _clock.Elapsed.TotalMilliseconds;
        _self.Refresh();
        return new UsageRecord(
            $"{runtime}-{Environment.ProcessId}", "none", wall,
            (_self.UserProcessorTime - _user).TotalMilliseconds,
            (_self.PrivilegedProcessorTime - _system).TotalMilliseconds,
            _self.PeakWorkingSet64, ExitReason.Completed, "process");
    }

    public void Dispose() => _self.Dispose();
}
