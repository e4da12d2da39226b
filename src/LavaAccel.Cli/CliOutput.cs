using System.CommandLine;
using System.Text.Json;
using System.Text.Json.Nodes;
using Spectre.Console;

namespace LavaAccel.Cli;

/// <summary>How commands talk to the user: human text on stdout, progress on stderr, or one JSON document.</summary>
internal static class CliOutput
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    /// <summary>The <c>--json</c> option, accepted by every command.</summary>
    public static readonly Option<bool> JsonOption = new("--json") { Description = "Print one JSON document on stdout and nothing else", Recursive = true };

    /// <summary>The <c>--no-trunc</c> option: full digests and messages in tables (always so in a pipe).</summary>
    public static readonly Option<bool> NoTruncOption = new("--no-trunc") { Description = "Do not shorten digests and messages in tables (they are never shortened in a pipe)", Recursive = true };

    private static bool _noTrunc;

    /// <summary>Reads the global options that shape output (call once after parsing).</summary>
    public static void Configure(ParseResult parsed) => _noTrunc = parsed.GetValue(NoTruncOption);

    /// <summary>A digest or long text for a table: shortened to <paramref name="keep"/> characters with "…" for a person at a terminal, whole in a pipe or with --no-trunc.</summary>
    public static string Short(string text, int keep) =>
        _noTrunc || Console.IsOutputRedirected || text.Length <= keep ? text : text[..keep] + "…";

    /// <summary>Console for tables and text on stdout.</summary>
    public static IAnsiConsole Out { get; } = CreateOut();

    // Tables keep their shape in pipes and files: Spectre assumes 80 columns when stdout is not a terminal.
    private static IAnsiConsole CreateOut()
    {
        var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Out) });
        if (Console.IsOutputRedirected)
        {
            console.Profile.Width = 200;
        }
        return console;
    }

    /// <summary>
    /// Prints a table: framed for a person at a terminal; in a pipe or a file, plain columns
    /// separated by two spaces, one line per row (no wrapping, no trailing spaces), so grep, cut
    /// and awk see every cell whole.
    /// </summary>
    public static void Table(Table table)
    {
        if (!Console.IsOutputRedirected)
        {
            Out.Write(table);
            return;
        }
        var rows = new List<string[]> { table.Columns.Select(c => Plain(c.Header)).ToArray() };
        rows.AddRange(table.Rows.Select(r => r.Select(Plain).ToArray()));
        var widths = Enumerable.Range(0, table.Columns.Count).Select(i => rows.Max(r => i < r.Length ? r[i].Length : 0)).ToArray();
        var right = table.Columns.Select(c => c.Alignment == Justify.Right).ToArray();
        foreach (var row in rows)
        {
            var cells = row.Select((cell, i) => i == row.Length - 1 && !right[i] ? cell : right[i] ? cell.PadLeft(widths[i]) : cell.PadRight(widths[i]));
            Console.Out.WriteLine(string.Join("  ", cells).TrimEnd());
        }
    }

    // A cell's text without markup, on one line.
    private static string Plain(Spectre.Console.Rendering.IRenderable cell)
    {
        var writer = new StringWriter();
        var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(writer), Ansi = AnsiSupport.No, ColorSystem = ColorSystemSupport.NoColors });
        console.Profile.Width = 100_000;
        console.Write(cell);
        return string.Join(' ', writer.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
    }

    /// <summary>Console for progress on stderr (stdout stays clean for data).</summary>
    public static IAnsiConsole Err { get; } = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Error) });

    /// <summary>Prints a JSON document.</summary>
    public static void Json(JsonNode node) => Console.Out.WriteLine(node.ToJsonString(Indented));

    /// <summary>Prints a one-line error (multi-line compiler diagnostics follow the first line).</summary>
    public static void Error(string message) => Console.Error.WriteLine($"error: {message}");

    /// <summary>Prints a warning.</summary>
    public static void Warn(string message) => Console.Error.WriteLine($"warning: {message}");

    /// <summary>Runs <paramref name="work"/> with a spinner on stderr when a person is watching.</summary>
    public static T WithProgress<T>(bool json, string initial, Func<Action<string>, T> work)
    {
        if (json || Console.IsErrorRedirected)
        {
            return work(_ => { });
        }
        return Err.Status().Spinner(Spinner.Known.Dots).Start(Markup.Escape(initial), context => work(step => context.Status(Markup.Escape(step) + "…")));
    }

    /// <summary>A time for JSON: ISO-8601 in UTC with milliseconds and the zone (<c>2026-12-07T14:40:21.158Z</c>).</summary>
    public static string IsoTime(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>A time for people: this machine's local time (<c>2026-12-07 15:40:21</c>).</summary>
    public static string LocalTime(DateTimeOffset time) => time.ToLocalTime().ToString("yyyy-MM-dd HH:mm:ss", System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>Formats milliseconds for people.</summary>
    public static string Ms(double ms) => ms >= 1000 ? $"{ms / 1000:0.00} s" : ms >= 10 ? $"{ms:0.0} ms" : $"{ms:0.000} ms";

    /// <summary>Formats bytes for people.</summary>
    public static string Bytes(long bytes) => bytes >= 1 << 20 ? $"{bytes / 1048576.0:0.0} MiB" : bytes >= 1024 ? $"{bytes / 1024.0:0.0} KiB" : $"{bytes} B";
}
