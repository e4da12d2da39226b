using System.CommandLine;
using System.Text.Json.Nodes;
using Spectre.Console;

namespace LavaAccel.Cli.Commands;

/// <summary><c>lava inspect PKG.lava</c></summary>
internal static class InspectCommand
{
    public static Command Create()
    {
        var package = new Argument<string>("PKG.lava") { Description = "Package to describe" };
        var command = new Command("inspect", "Show a package's manifest, kernels, argument signatures, IR version and digest") { package };
        command.SetAction(result =>
        {
            var loaded = Package.Load(result.GetValue(package)!);
            if (result.GetValue(CliOutput.JsonOption))
            {
                CliOutput.Json(Describe(loaded));
                return 0;
            }
            var m = loaded.Manifest;
            Console.WriteLine($"package   {m.Name} {m.Version}");
            Console.WriteLine($"digest    {loaded.Digest}");
            Console.WriteLine($"{(loaded.IsIlgpu ? "IL      " : "IR      ")}  {m.IrFormat}, {CliOutput.Bytes(loaded.Code.Length)}, {m.IrDigest}");
            var language = loaded.IsIlgpu ? $"C# {m.LanguageVersion["csharp-".Length..]} (ILGPU kernels)" : $"OpenCL C {m.LanguageVersion[2..]}";
            Console.WriteLine($"language  {language}{(m.Defines.Count > 0 ? "  defines: " + string.Join(" ", m.Defines) : "")}");
            Console.WriteLine($"features  {(m.Features.Count > 0 ? string.Join(", ", m.Features) : "none")}");
            Console.WriteLine($"sources   {string.Join(", ", m.Sources)}");
            PrintKernels(loaded);
            return 0;
        });
        return command;
    }

    internal static void PrintKernels(Package package)
    {
        var table = new Table().Border(TableBorder.Simple).AddColumn("kernel").AddColumn("arguments");
        foreach (var kernel in package.Manifest.Kernels)
        {
            table.AddRow(Markup.Escape(kernel.Name), Markup.Escape(string.Join(", ", kernel.Arguments)));
        }
        CliOutput.Table(table);
    }

    internal static JsonObject Describe(Package package)
    {
        var m = package.Manifest;
        return new JsonObject
        {
            ["name"] = m.Name,
            ["version"] = m.Version,
            ["digest"] = package.Digest,
            ["size"] = package.Bytes.Length,
            ["ir_format"] = m.IrFormat,
            ["ir_digest"] = m.IrDigest,
            ["ir_size"] = package.Code.Length,
            ["language_version"] = m.LanguageVersion,
            ["defines"] = new JsonArray([.. m.Defines.Select(d => (JsonNode?)d)]),
            ["features"] = new JsonArray([.. m.Features.Select(f => (JsonNode?)f)]),
            ["sources"] = new JsonArray([.. m.Sources.Select(s => (JsonNode?)s)]),
            ["kernels"] = new JsonArray([.. m.Kernels.Select(k => (JsonNode?)new JsonObject
            {
                ["name"] = k.Name,
                ["signature"] = k.ToString(),
                ["arguments"] = new JsonArray([.. k.Arguments.Select(a => (JsonNode?)new JsonObject
                {
                    ["name"] = a.Name,
                    ["type"] = a.TypeName,
                    ["kind"] = a.Kind.ToString().ToLowerInvariant(),
                    ["address_space"] = a.AddressSpace.ToString().ToLowerInvariant(),
                    ["element_type"] = a.ElementType.OpenClName(),
                    ["vector_width"] = a.VectorWidth,
                    ["const"] = a.IsConst,
                })]),
            })]),
        };
    }
}
