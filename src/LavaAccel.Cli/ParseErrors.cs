using System.CommandLine;

namespace LavaAccel.Cli;

/// <summary>
/// What was not understood on the command line, said plainly: the unknown command or option by
/// name, with the nearest one that exists ("did you mean `run`?"), before anything else the parser
/// found (a missing required option is usually the typo's consequence).
/// </summary>
internal static class ParseErrors
{
    /// <summary>One line describing the first problem of <paramref name="parsed"/>.</summary>
    public static string Describe(ParseResult parsed)
    {
        var command = parsed.CommandResult.Command;
        // An unknown "--option" may have been taken as an argument's value (`lava run --kernal k …`).
        var strays = parsed.Tokens.Where(t => t.Type == System.CommandLine.Parsing.TokenType.Argument && t.Value.StartsWith("--", StringComparison.Ordinal) && t.Value.Length > 2).Select(t => t.Value);
        foreach (var token in strays.Concat(parsed.UnmatchedTokens))
        {
            if (token.StartsWith('-'))
            {
                var options = Ancestors(command).SelectMany(c => c.Options).Where(o => !o.Hidden && (o.Recursive || o.Parents.Contains(command)))
                    .SelectMany(o => o.Aliases.Prepend(o.Name));
                return $"unknown option '{token}' for `{Path(command)}`{Suggest(token.Split('=')[0], options)}";
            }
            if (command.Subcommands.Count > 0)
            {
                var names = command.Subcommands.Where(c => !c.Hidden).SelectMany(c => c.Aliases.Prepend(c.Name));
                return $"unknown command '{token}'{(command.Parents.Any() ? $" for `{Path(command)}`" : "")}{Suggest(token, names)} (`{Path(command)} --help` lists them)";
            }
            return $"unexpected argument '{token}' for `{Path(command)}`";
        }
        if (command.Subcommands.Count > 0 && parsed.Errors.Any(e => e.Message.Contains("Required command", StringComparison.Ordinal)))
        {
            return $"`{Path(command)}` needs a command (`{Path(command)} --help` lists them)";
        }
        return parsed.Errors[0].Message;
    }

    // " (did you mean `run`?)" for the nearest name within a few edits, else "".
    private static string Suggest(string typed, IEnumerable<string> names)
    {
        var bare = typed.TrimStart('-');
        var best = names.Distinct(StringComparer.Ordinal)
            .Select(n => (Name: n, Distance: Distance(bare, n.TrimStart('-'))))
            .Where(c => c.Distance <= Math.Max(2, bare.Length / 3))
            .OrderBy(c => c.Distance).ThenBy(c => c.Name.Length).FirstOrDefault();
        return best.Name is null ? "" : $" (did you mean `{best.Name}`?)";
    }

    private static IEnumerable<Command> Ancestors(Command command)
    {
        for (Command? c = command; c is not null; c = c.Parents.OfType<Command>().FirstOrDefault())
        {
            yield return c;
        }
    }

    private static string Path(Command command) => string.Join(' ', Ancestors(command).Reverse().Select(c => c.Parents.Any() ? c.Name : "lava"));

    // Optimal string alignment distance: insertions, deletions, substitutions and swaps of neighbours.
    private static int Distance(string a, string b)
    {
        var d = new int[a.Length + 1, b.Length + 1];
        for (var i = 0; i <= a.Length; i++)
        {
            d[i, 0] = i;
        }
        for (var j = 0; j <= b.Length; j++)
        {
            d[0, j] = j;
        }
        for (var i = 1; i <= a.Length; i++)
        {
            for (var j = 1; j <= b.Length; j++)
            {
                var cost = a[i - 1] == b[j - 1] ? 0 : 1;
                d[i, j] = Math.Min(Math.Min(d[i - 1, j] + 1, d[i, j - 1] + 1), d[i - 1, j - 1] + cost);
                if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
                {
                    d[i, j] = Math.Min(d[i, j], d[i - 2, j - 2] + 1);
                }
            }
        }
        return d[a.Length, b.Length];
    }
}
