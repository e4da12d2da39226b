using System.CommandLine;
using System.Text.Json.Nodes;
using LavaAccel.Api.V1;
using Spectre.Console;

namespace LavaAccel.Cli.Service;

/// <summary><c>lava compile PKG --targets … --server URL</c>: precompile on the controller, whose nodes then fetch the variants instead of compiling.</summary>
internal static class RemoteCompile
{
    public static int Run(ParseResult result, Package package, string targets)
    {
        using var connection = ServiceConnection.Open(result);
        SubmitCommand.UploadAsync(connection, package, CancellationToken.None).GetAwaiter().GetResult();
        var client = new VariantService.VariantServiceClient(connection.Channel);
        var request = new PrecompileRequest { PackageDigest = package.Digest };
        request.Targets.AddRange(targets.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        var variants = connection.Invoke(call => client.Precompile(request, call.WithDeadline(DateTime.UtcNow.AddMinutes(30)))).Variants;
        if (result.GetValue(CliOutput.JsonOption))
        {
            CliOutput.Json(new JsonObject
            {
                ["server"] = connection.Server,
                ["package"] = package.Digest,
                ["variants"] = new JsonArray([.. variants.Select(v => (JsonNode?)new JsonObject
                {
                    ["target"] = v.Target,
                    ["key"] = v.Key,
                    ["digest"] = v.Digest.Length > 0 ? v.Digest : null,
                    ["size"] = v.SizeBytes,
                    ["error"] = v.Error.Length > 0 ? v.Error : null,
                })]),
            });
        }
        else
        {
            var table = new Table().Border(TableBorder.Simple).AddColumns("target", "state", "size", "digest");
            foreach (var v in variants)
            {
                table.AddRow(v.Target, v.Error.Length > 0 ? "[red]failed[/]" : "cached", v.Error.Length > 0 ? "" : CliOutput.Bytes(v.SizeBytes), Markup.Escape(v.Error.Length > 0 ? v.Error : CliOutput.Short(v.Digest, 31)));
            }
            CliOutput.Table(table);
        }
        var failed = variants.Count(v => v.Error.Length > 0);
        return failed == 0 ? 0 : throw new LavaException($"{failed} of {variants.Count} targets failed to compile on {connection.Server}");
    }
}
