using System.CommandLine;
using System.Text.Json.Nodes;
using LavaAccel.Service.Security;

namespace LavaAccel.Cli.Service;

/// <summary><c>lava certs init [--data DIR] [--hosts H,…] [--nodes N,…]</c>: the cluster CA, the controller's and nodes' certificates.</summary>
internal static class CertsCommand
{
    public static Command Create()
    {
        var data = new Option<string?>("--data") { Description = "The service's data directory; certificates go to DIR/certs (default: LAVA_HOME/service)" };
        var hosts = new Option<string?>("--hosts") { Description = "Addresses nodes use to reach the controller (IPs or DNS names; 127.0.0.1 and localhost always)" };
        var nodes = new Option<string?>("--nodes") { Description = "Node names to issue client certificates for" };
        var init = new Command("init", "Create the cluster CA (once) and issue the controller's and nodes' certificates") { data, hosts, nodes };
        init.SetAction(result =>
        {
            var directory = CertificateAuthority.DirectoryIn(Path.GetFullPath(result.GetValue(data) ?? ServiceConnection.DefaultDataDirectory));
            var ca = CertificateAuthority.OpenOrCreate(directory);
            var hostList = Split(result.GetValue(hosts));
            var issued = new JsonArray();
            var controller = ca.IssueController(hostList);
            issued.Add(new JsonObject { ["role"] = "controller", ["certificate"] = controller.Certificate, ["key"] = controller.Key });
            foreach (var node in Split(result.GetValue(nodes)))
            {
                var files = ca.IssueNode(node);
                issued.Add(new JsonObject { ["role"] = "node", ["name"] = node, ["certificate"] = files.Certificate, ["key"] = files.Key });
            }
            if (result.GetValue(CliOutput.JsonOption))
            {
                CliOutput.Json(new JsonObject { ["ca"] = Path.Combine(directory, "ca.crt"), ["issued"] = issued });
            }
            else
            {
                Console.WriteLine($"CA        {Path.Combine(directory, "ca.crt")}");
                foreach (var item in issued)
                {
                    Console.WriteLine($"{(string?)item!["role"],-9} {(string?)item["name"] ?? ""} {(string?)item["certificate"]}");
                }
                Console.WriteLine("give each node ca.crt and its node-NAME.crt/.key; start the controller with --node-listen https://ADDRESS:PORT");
            }
            return 0;
        });
        return new Command("certs", "Certificates for mutual TLS between the controller and compute nodes") { init };
    }

    private static List<string> Split(string? text) =>
        text is null ? [] : [.. text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)];
}
