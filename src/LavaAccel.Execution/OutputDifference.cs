namespace LavaAccel.Execution;

/// <summary>The largest element-wise difference between two arrays of the same shape.</summary>
/// <param name="MaxAbsolute">max |a − b|.</param>
/// <param name="MaxRelative">max |a − b| / max(|a|, tiny).</param>
/// <param name="Elements">Elements compared.</param>
public sealed record OutputDifference(double MaxAbsolute, double MaxRelative, long Elements)
{
    /// <summary>Compares two arrays element by element (as doubles).</summary>
    public static OutputDifference Of(NpyArray reference, NpyArray other)
    {
        if (reference.Type != other.Type || reference.Count != other.Count)
        {
            throw new LavaException("outputs differ in type or length between targets");
        }
        var a = reference.ToDoubles();
        var b = other.ToDoubles();
        double maxAbs = 0, maxRel = 0;
        for (var i = 0; i < a.Length; i++)
        {
            var diff = Math.Abs(a[i] - b[i]);
            if (double.IsNaN(a[i]) && double.IsNaN(b[i]))
            {
                continue;
            }
            if (double.IsNaN(diff))
            {
                diff = double.PositiveInfinity;
            }
            maxAbs = Math.Max(maxAbs, diff);
            maxRel = Math.Max(maxRel, diff / Math.Max(Math.Abs(a[i]), 1e-30));
        }
        return new OutputDifference(maxAbs, maxRel, a.Length);
    }
}
