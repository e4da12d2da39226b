using System.CommandLine;
using System.Globalization;
using System.Text.Json.Nodes;
using LavaAccel.Api.V1;
using Spectre.Console;

namespace LavaAccel.Cli.Service;

/// <summary><c>lava nodes</c> and <c>lava node drain|resume NAME</c>: the controller's nodes (admin token; talks to --server).</summary>
internal static class NodesCommand
{
    public static Command List()
    {
        var command = new Command("nodes", "The controller's compute nodes: state, heartbeat, queue, devices");
        command.SetAction(result =>
        {
            var nodes = Call(result, (client, call) => client.ListNodes(new ListNodesRequest(), call)).Nodes;
            if (result.GetValue(CliOutput.JsonOption))
            {
                CliOutput.Json(new JsonArray([.. nodes.Select(n => (JsonNode)Json(n))]));
                return 0;
            }
            var table = new Table().Border(TableBorder.Simple).AddColumns("node", "state", "heartbeat", "running", "queued", "workers", "devices");
            foreach (var n in nodes)
            {
                table.AddRow(Markup.Escape(n.Name + (n.Embedded ? " (embedded)" : "")), n.State, n.Embedded ? "-" : $"{n.HeartbeatAgeMs / 1000.0:0.#} s ago",
                    n.RunningJobs.ToString(CultureInfo.InvariantCulture), n.QueuedJobs.ToString(CultureInfo.InvariantCulture), n.Workers.ToString(CultureInfo.InvariantCulture),
                    Markup.Escape(string.Join("; ", n.Devices)));
            }
            CliOutput.Table(table);
            return 0;
        });
        return command;
    }

    /// <summary>Adds <c>drain</c> and <c>resume</c> under <c>lava node</c>.</summary>
    public static void AddTo(Command node)
    {
        foreach (var (verb, description) in new[] { ("drain", "Drain a node: it finishes what it runs and is given nothing new; its queued jobs are placed again"), ("resume", "Let a drained node take jobs again") })
        {
            var name = new Argument<string>("NAME") { Description = "Node name (lava nodes lists them)" };
            var command = new Command(verb, description) { name };
            command.SetAction(result =>
            {
                var request = new NodeRequest { Name = result.GetValue(name)! };
                var status = Call(result, (client, call) => verb == "drain" ? client.DrainNode(request, call) : client.ResumeNode(request, call));
                if (result.GetValue(CliOutput.JsonOption))
                {
                    CliOutput.Json(Json(status));
                }
                else
                {
                    Console.WriteLine($"node {status.Name}: {status.State} ({status.RunningJobs} running)");
                }
                return 0;
            });
            node.Subcommands.Add(command);
        }
    }

    private static T Call<T>(ParseResult result, Func<AdminService.AdminServiceClient, Grpc.Core.CallOptions, T> call)
    {
        using var connection = ServiceConnection.Open(result);
        var client = new AdminService.AdminServiceClient(connection.Channel);
        return connection.Invoke(options => call(client, options));
    }

    private static JsonObject Json(NodeStatus n) => new()
    {
        ["node"] = n.Name,
        ["state"] = n.State,
        ["embedded"] = n.Embedded,
        ["heartbeat_age_ms"] = n.HeartbeatAgeMs,
        ["running_jobs"] = n.RunningJobs,
        ["queued_jobs"] = n.QueuedJobs,
        ["workers"] = n.Workers,
        ["targets"] = new JsonArray([.. n.Targets.Select(t => (JsonNode?)t)]),
        ["devices"] = new JsonArray([.. n.Devices.Select(d => (JsonNode?)d)]),
    };
}
