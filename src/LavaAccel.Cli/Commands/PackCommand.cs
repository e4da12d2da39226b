using System.CommandLine;
using System.Text.Json.Nodes;
using LavaAccel.Toolchain;

namespace LavaAccel.Cli.Commands;

/// <summary><c>lava pack KERNEL.cl [-o OUT.lava] [-D NAME=VALUE]…</c></summary>
internal static class PackCommand
{
    public static Command Create()
    {
        var source = new Argument<string>("KERNEL") { Description = "OpenCL C source file (.cl), or C# ILGPU kernels: a .cs file, a directory or a .csproj" };
        var output = new Option<string?>("--output", "-o") { Description = "Package to write (default: NAME.lava in the current directory)" };
        var defines = new Option<string[]>("-D") { Description = "Preprocessor definition NAME=VALUE (repeatable)", AllowMultipleArgumentsPerToken = false };
        var std = new Option<string>("--std") { Description = "OpenCL C version: CL1.2, CL2.0 or CL3.0", DefaultValueFactory = _ => "CL1.2" };
        var name = new Option<string?>("--name") { Description = "Package name (default: the file name)" };
        var command = new Command("pack", "Compile OpenCL C to LAVA IR (or C# to ILGPU kernels) and write a .lava package") { source, output, defines, std, name };
        command.SetAction(result =>
        {
            var json = result.GetValue(CliOutput.JsonOption);
            var path = result.GetValue(source)!;
            var package = PackageBuilder.Pack(path, new PackOptions(result.GetValue(defines) ?? [], result.GetValue(std)!, result.GetValue(name)));
            var destination = result.GetValue(output) ?? package.Manifest.Name + ".lava";
            package.Save(destination);
            if (json)
            {
                var node = InspectCommand.Describe(package);
                node["path"] = destination;
                CliOutput.Json(node);
            }
            else
            {
                Console.WriteLine($"packed {destination}  {package.Digest}  ({CliOutput.Bytes(package.Bytes.Length)})");
                InspectCommand.PrintKernels(package);
            }
            return 0;
        });
        return command;
    }
}
