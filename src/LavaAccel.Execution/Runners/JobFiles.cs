namespace LavaAccel.Execution.Runners;

/// <summary>Names of the files in a job directory that lava and every worker agree on.</summary>
public static class JobFiles
{
    /// <summary>The file holding buffer argument <paramref name="index"/>: <c>argN.bin</c>.</summary>
    public static string Buffer(int index) => $"arg{index}.bin";
}
