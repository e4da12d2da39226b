using System.CommandLine;

namespace LavaAccel.Cli;

/// <summary><c>lava --help</c> (and <c>lava</c> alone): the commands in groups — on this machine, on the service, for administrators.</summary>
internal static class GroupedHelp
{
    private static readonly (string Title, string[] Commands)[] Groups =
    [
        ("On this machine", ["pack", "inspect", "targets", "devices", "run", "compare", "compile", "place", "bench", "cache", "usage"]),
        ("On the service (--server URL or LAVA_SERVER, token in LAVA_TOKEN)", ["submit", "jobs", "job", "outputs", "cancel"]),
        ("Running and administering the service", ["serve", "node", "nodes", "users", "certs"]),
    ];

    /// <summary>Whether <paramref name="args"/> ask for the top-level help.</summary>
    public static bool Asked(string[] args) => args.Length == 0 || args is ["--help"] or ["-h"] or ["-?"];

    /// <summary>Prints the grouped help of <paramref name="root"/>.</summary>
    public static void Print(RootCommand root)
    {
        var output = Console.Out;
        output.WriteLine(root.Description);
        output.WriteLine();
        output.WriteLine("Usage: lava COMMAND [options]   (lava COMMAND --help for its options)");
        var commands = root.Subcommands.Where(c => !c.Hidden).ToDictionary(c => c.Name, StringComparer.Ordinal);
        var width = commands.Keys.Max(n => n.Length) + 2;
        var listed = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (title, names) in Groups)
        {
            output.WriteLine();
            output.WriteLine(title + ":");
            foreach (var name in names.Where(commands.ContainsKey))
            {
                output.WriteLine($"  {name.PadRight(width)}{commands[name].Description}");
                listed.Add(name);
            }
        }
        var others = commands.Keys.Where(n => !listed.Contains(n)).Order(StringComparer.Ordinal).ToList();
        if (others.Count > 0)
        {
            output.WriteLine();
            output.WriteLine("Other:");
            foreach (var name in others)
            {
                output.WriteLine($"  {name.PadRight(width)}{commands[name].Description}");
            }
        }
        output.WriteLine();
        output.WriteLine("Options:");
        var options = root.Options.Where(o => !o.Hidden)
            .Select(o => (Names: string.Join(", ", o.Aliases.Prepend(o.Name).Where(n => !n.StartsWith('/')).Distinct()), o.Description)).ToList();
        var optionWidth = options.Max(o => o.Names.Length) + 2;
        foreach (var (names, description) in options)
        {
            output.WriteLine($"  {names.PadRight(optionWidth)}{description}");
        }
    }
}
