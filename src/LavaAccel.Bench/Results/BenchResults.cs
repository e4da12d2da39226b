using System.Text.Json;
using System.Text.Json.Serialization;
using LavaAccel.Bench.Machine;

namespace LavaAccel.Bench.Results;

/// <summary>
/// results.json: one or more runs (several after <c>lava bench --merge</c>), each with its machine,
/// so results from different hardware draw one report.
/// </summary>
/// <param name="Format">Always <see cref="CurrentFormat"/>.</param>
/// <param name="Runs">The runs.</param>
public sealed record BenchResults(string Format, IReadOnlyList<BenchRun> Runs)
{
    /// <summary>The format tag a results file carries.</summary>
    public const string CurrentFormat = "lava-bench/1";

    /// <summary>Results of a single run.</summary>
    public static BenchResults Of(BenchRun run) => new(CurrentFormat, [run]);

    /// <summary>Every run of every file, in order.</summary>
    public static BenchResults Merge(IEnumerable<BenchResults> files) => new(CurrentFormat, [.. files.SelectMany(f => f.Runs)]);

    /// <summary>Reads a results file; a clear error for anything else.</summary>
    public static BenchResults Load(string path)
    {
        BenchResults? results;
        try
        {
            results = JsonSerializer.Deserialize(File.ReadAllText(path), BenchJsonContext.Default.BenchResults);
        }
        catch (Exception e) when (e is JsonException or IOException or UnauthorizedAccessException or NotSupportedException)
        {
            throw new LavaException($"{path}: not a lava bench results file ({e.Message})");
        }
        if (results is null || results.Format != CurrentFormat || results.Runs is null)
        {
            throw new LavaException($"{path}: not a lava bench results file (expected \"format\": \"{CurrentFormat}\")");
        }
        return results;
    }

    /// <summary>The file's text.</summary>
    public string ToJson() => JsonSerializer.Serialize(this, BenchJsonContext.Default.BenchResults);
}

/// <summary>Source-generated JSON for results files (snake_case, indented).</summary>
[JsonSourceGenerationOptions(WriteIndented = true, PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull, NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals)]
[JsonSerializable(typeof(BenchResults))]
[JsonSerializable(typeof(MachineDescription))]
internal sealed partial class BenchJsonContext : JsonSerializerContext;
