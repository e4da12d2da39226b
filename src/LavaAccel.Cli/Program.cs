using System.CommandLine;
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

var parsed = root.Parse(args);
if (parsed.Errors.Count > 0)
{
    Console.Error.WriteLine($"error: {parsed.Errors[0].Message}");
    return 2;
}
try
{
    return parsed.Invoke();
}
catch (LavaException e)
{
    CliOutput.Error(e.Message);
    return 1;
}
