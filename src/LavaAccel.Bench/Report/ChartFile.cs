namespace LavaAccel.Bench.Report;

/// <summary>A chart of the report: NAME.png and NAME.svg.</summary>
/// <param name="Name">File name without extension.</param>
/// <param name="Title">What it shows.</param>
public sealed record ChartFile(string Name, string Title);
