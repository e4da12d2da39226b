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

    /// <summary>Formats milliseconds for people.</summary>
    public static string Ms(double ms) => ms >= 1000 ? $"{ms / 1000:0.00} s" : ms >= 10 ? $"{ms:0.0} ms" : $"{ms:0.000} ms";

    /// <summary>Formats bytes for people.</summary>
    public static string Bytes(long bytes) => bytes >= 1 << 20 ? $"{bytes / 1048576.0:0.0} MiB" : bytes >= 1024 ? $"{bytes / 1024.0:0.0} KiB" : $"{bytes} B";
}
