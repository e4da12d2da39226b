using System.Globalization;
using LavaAccel.Devices;

namespace LavaAccel.Scheduling;

/// <summary>
/// The performance model learned from past runs, keyed by kernel, target and device (a record for
/// one device never answers for another — TVM's mistake). Robust statistics: the median, with
/// samples farther than 3 median absolute deviations dropped, and no answer before three samples
/// (StarPU's models were poisoned by single spikes). Falls back to the roofline. Persisted as
/// lines under LAVA_HOME so that it survives runs.
/// </summary>
public sealed class PerformanceHistory : IRunTimeModel
{
    /// <summary>Samples needed before the history is trusted.</summary>
    public const int MinimumSamples = 3;

    /// <summary>How far (×) a measured size may be from the asked one for its time per work-item to be scaled.</summary>
    public const int SizeWindow = 8;

    private readonly string? _path;
    private readonly Dictionary<(string Kernel, string Target, string Device), List<(long Items, double Seconds)>> _samples = [];
    private readonly Lock _lock = new();

    /// <summary>An in-memory history, or one persisted at <paramref name="path"/> (read now, appended to on record).</summary>
    public PerformanceHistory(string? path = null)
    {
        _path = path;
        if (path is null || !File.Exists(path))
        {
            return;
        }
        foreach (var line in File.ReadLines(path))
        {
            var parts = line.Split('\t');
            if (parts.Length == 5
                && long.TryParse(parts[3], NumberStyles.Integer, CultureInfo.InvariantCulture, out var items)
                && double.TryParse(parts[4], NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds)
                && items > 0 && seconds > 0)
            {
                Add(parts[0], parts[1], parts[2], items, seconds);
            }
        }
    }

    /// <summary>The history file of a LAVA_HOME.</summary>
    public static string PathIn(string lavaHome) => Path.Combine(lavaHome, "history.tsv");

    /// <summary>Records a measured run.</summary>
    public void Record(string kernelKey, string target, string deviceId, long workItems, double seconds)
    {
        if (workItems <= 0 || seconds <= 0 || double.IsNaN(seconds))
        {
            return;
        }
        Add(kernelKey, target, deviceId, workItems, seconds);
        if (_path is not null)
        {
            Directory.CreateDirectory(Path.GetDirectoryName(_path)!);
            File.AppendAllText(_path, string.Create(CultureInfo.InvariantCulture, $"{kernelKey}\t{target}\t{deviceId}\t{workItems}\t{seconds:R}\n"));
        }
    }

    /// <summary>Number of samples for a kernel on a target and device.</summary>
    public int Count(string kernelKey, string target, string deviceId)
    {
        lock (_lock)
        {
            return _samples.TryGetValue((kernelKey, target, deviceId), out var list) ? list.Count : 0;
        }
    }

    /// <inheritdoc />
    public (double Seconds, string Basis) Estimate(KernelWork work, DeviceProfile device, string target)
    {
        List<(long Items, double Seconds)> samples;
        lock (_lock)
        {
            samples = _samples.TryGetValue((work.KernelKey, target, device.Id), out var list) ? [.. list] : [];
        }
        if (samples.Count < MinimumSamples)
        {
            return (RooflineModel.Seconds(work, device), samples.Count == 0 ? "roofline" : $"roofline ({samples.Count} runs so far)");
        }
        // Same size measured often enough: its robust median. Otherwise scale time per work-item.
        var sameSize = samples.Where(s => s.Items == work.WorkItems).Select(s => s.Seconds).ToArray();
        if (sameSize.Length >= MinimumSamples)
        {
            return (RobustMedian(sameSize), $"history: median of {sameSize.Length} runs of this size");
        }
        // Scaled per work-item only from runs of a similar size: a small run's fixed costs (start,
        // launch, a cold cache) scaled up 256× made a 1-Mi-item saxpy look 300× slower than it is.
        var near = samples.Where(s => s.Items * SizeWindow >= work.WorkItems && s.Items <= work.WorkItems * SizeWindow).ToArray();
        if (near.Length < MinimumSamples)
        {
            return (RooflineModel.Seconds(work, device), $"roofline (history only at sizes {SizeWindow}× away or more)");
        }
        var perItem = RobustMedian(near.Select(s => s.Seconds / s.Items).ToArray());
        return (perItem * work.WorkItems, $"history: {near.Length} runs of similar size, scaled per work-item");
    }

    /// <summary>The median after dropping values more than 3 median absolute deviations away.</summary>
    public static double RobustMedian(double[] values)
    {
        var median = Median(values);
        var mad = Median(values.Select(v => Math.Abs(v - median)).ToArray());
        var kept = mad > 0 ? values.Where(v => Math.Abs(v - median) <= 3 * mad).ToArray() : values;
        return Median(kept.Length > 0 ? kept : values);
    }

    private static double Median(double[] values)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[sorted.Length / 2 - 1] + sorted[sorted.Length / 2]) / 2;
    }

    private void Add(string kernel, string target, string device, long items, double seconds)
    {
        lock (_lock)
        {
            if (!_samples.TryGetValue((kernel, target, device), out var list))
            {
                _samples[(kernel, target, device)] = list = [];
            }
            list.Add((items, seconds));
        }
    }
}
