using System.CommandLine;
using System.CommandLine.Invocation;
using LavaAccel;
using LavaAccel.Cli;
using LavaAccel.Cli.Commands;
using LavaAccel.Cli.Service;

var root = new RootCommand("lava — pack OpenCL C (or C#) kernels into portable packages, run them natively on CPUs and devices, or submit them to the lava service.");
root.Options.Add(CliOutput.JsonOption);
root.Options.Add(CliOutput.NoTruncOption);
root.Subcommands.Add(PackCommand.Create());
root.Subcommands.Add(InspectCommand.Create());
root.Subcommands.Add(TargetsCommand.Create());
root.Subcommands.Add(RunCommand.Create());
root.Subcommands.Add(CompareCommand.Create());
root.Subcommands.Add(BenchCommand.Create());
root.Subcommands.Add(CompileCommand.Create());
root.Subcommands.Add(CacheCommand.Create());
root.Subcommands.Add(DevicesCommand.Create());
root.Subcommands.Add(PlaceCommand.Create());
root.Subcommands.Add(UsageCommand.Create());
root.Subcommands.Add(ServeCommand.Create());
root.Subcommands.Add(SubmitCommand.Create());
root.Subcommands.Add(JobsCommands.List());
root.Subcommands.Add(JobsCommands.Show());
root.Subcommands.Add(JobsCommands.Cancel());
root.Subcommands.Add(OutputsCommand.Create());
root.Subcommands.Add(UsersCommand.Create());
var node = NodeCommand.Create();
NodesCommand.AddTo(node);
root.Subcommands.Add(node);
root.Subcommands.Add(NodesCommand.List());
root.Subcommands.Add(CertsCommand.Create());
root.Subcommands.Add(SlurmJobCommand.Create());
root.Subcommands.Add(SlurmCompileCommand.Create());
root.Options.Add(ServiceConnection.ServerOption);
root.Options.Add(ServiceConnection.TokenOption);
root.Options.Add(ServiceConnection.CaOption);

if (GroupedHelp.Asked(args))
{
    GroupedHelp.Print(root);
    return 0;
}
var parsed = root.Parse(args);
CliOutput.Configure(parsed);
if (parsed.Errors.Count > 0)
{
    Console.Error.WriteLine($"error: {ParseErrors.Describe(parsed)}");
    return 2;
}
try
{
    // lava prints its own one-line errors; System.CommandLine's handler would print stack traces.
    return parsed.Invoke(new InvocationConfiguration { EnableDefaultExceptionHandler = false });
}
catch (LavaException e)
{
    CliOutput.Error(e.Message);
    return 1;
}
catch (Exception e) when (e is IOException or UnauthorizedAccessException)
{
    CliOutput.Error(e.Message);
    return 1;
}
catch (Exception e)
{
    // A bug: still one line, with the trace only on request.
    CliOutput.Error($"internal error: {e.GetType().Name}: {e.Message}{(Environment.GetEnvironmentVariable("LAVA_DEBUG") == "1" ? "\n" + e : " (LAVA_DEBUG=1 shows the trace)")}");
    return 70;
}
