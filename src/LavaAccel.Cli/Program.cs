using System.CommandLine;
using System.CommandLine.Invocation;
using LavaAccel;
using LavaAccel.Cli;
using LavaAccel.Cli.Commands;

var root = new RootCommand("lava — pack OpenCL C kernels into portable LLVM bitcode packages and run them natively on x86-64 and AArch64.");
root.Options.Add(CliOutput.JsonOption);
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

var parsed = root.Parse(args);
if (parsed.Errors.Count > 0)
{
    Console.Error.WriteLine($"error: {parsed.Errors[0].Message}");
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
