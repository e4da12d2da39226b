using System.Diagnostics;
using System.Globalization;

namespace LavaAccel.Backends.Cpu;

/// <summary>Per-phase compile times, printed to stderr when <c>LAVA_TRACE=1</c>.</summary>
internal sealed class CompileTrace
{
    private static readonly bool Enabled = Environment.GetEnvironmentVariable("LAVA_TRACE") == "1";
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly List<(string Phase, double Ms)> _phases = [];
    private double _last;

    /// <summary>Ends the current phase.</summary>
    public void Mark(string phase)
    {
        var now = _clock.Elapsed.TotalMilliseconds;
        _phases.Add((phase, now - _last));
        _last = now;
    }

    /// <summary>Prints the phases (if tracing).</summary>
    public void Report()
    {
        if (Enabled)
        {
            Console.Error.WriteLine("compile: " + string.Join(", ", _phases.Select(p => string.Create(CultureInfo.InvariantCulture, $"{p.Phase} {p.Ms:0.0} ms"))));
        }
    }
}
