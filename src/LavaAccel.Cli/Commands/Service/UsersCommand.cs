using System.CommandLine;
using System.Text.Json.Nodes;
using LavaAccel.Sandbox;
using LavaAccel.Service.Storage;

namespace LavaAccel.Cli.Service;

/// <summary><c>lava users add NAME [--admin] [--max-jobs N] [--max-memory SIZE] [--max-device-seconds S]</c>: on the controller's machine.</summary>
internal static class UsersCommand
{
    public static Command Create()
    {
        var name = new Argument<string>("NAME") { Description = "User name" };
        var data = new Option<string?>("--data") { Description = "The service's data directory (default: LAVA_HOME/service)" };
        var admin = new Option<bool>("--admin") { Description = "May read every user's usage" };
        var maxJobs = new Option<long?>("--max-jobs") { Description = "Quota: jobs queued or running at once" };
        var maxMemory = new Option<string?>("--max-memory") { Description = "Quota: largest memory limit per job (also the default limit), e.g. 2G" };
        var maxSeconds = new Option<double?>("--max-device-seconds") { Description = "Quota: device time of all the user's jobs" };
        var add = new Command("add", "Add a user and print their token (shown once; only its hash is stored)") { name, data, admin, maxJobs, maxMemory, maxSeconds };
        add.SetAction(result =>
        {
            var directory = Path.GetFullPath(result.GetValue(data) ?? ServiceConnection.DefaultDataDirectory);
            var users = new UserStore(new ServiceDatabase(directory));
            LavaAccel.Service.ServiceHost.EnsureAdmin(users, directory);
            var account = new UserAccount(result.GetValue(name)!, result.GetValue(admin), result.GetValue(maxJobs),
                result.GetValue(maxMemory) is { } m ? SandboxLimits.ParseSize(m) : null, result.GetValue(maxSeconds));
            var token = users.Add(account);
            if (result.GetValue(CliOutput.JsonOption))
            {
                CliOutput.Json(new JsonObject { ["user"] = account.Name, ["token"] = token, ["admin"] = account.Admin });
            }
            else
            {
                Console.WriteLine(token);
                Console.Error.WriteLine($"user '{account.Name}' added; give them this token (LAVA_TOKEN or --token); it is not shown again");
            }
            return 0;
        });
        return new Command("users", "Manage the service's users (on the controller's machine)") { add };
    }
}
