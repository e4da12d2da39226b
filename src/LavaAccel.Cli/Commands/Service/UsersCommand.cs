using System.CommandLine;
using System.Globalization;
using System.Text.Json.Nodes;
using LavaAccel.Api.V1;
using LavaAccel.Sandbox;
using Spectre.Console;

namespace LavaAccel.Cli.Service;

/// <summary>
/// <c>lava users list|add|remove|set-quota|rotate-token</c>: user administration through the
/// running service (<c>--server</c>, an admin token) — never a database file behind its back.
/// </summary>
internal static class UsersCommand
{
    public static Command Create()
    {
        var command = new Command("users", "Manage the service's users, quotas and tokens (admin token; talks to --server)");
        command.Subcommands.Add(List());
        command.Subcommands.Add(Add());
        command.Subcommands.Add(Remove());
        command.Subcommands.Add(SetQuota());
        command.Subcommands.Add(Rotate());
        return command;
    }

    private static Command List()
    {
        var command = new Command("list", "Every user with quotas, active jobs and device time used");
        command.SetAction(result =>
        {
            var users = Admin(result, (client, call) => client.ListUsers(new ListUsersRequest(), call)).Users;
            if (result.GetValue(CliOutput.JsonOption))
            {
                CliOutput.Json(new JsonArray([.. users.Select(u => (JsonNode)Json(u))]));
                return 0;
            }
            var table = new Table().Border(TableBorder.Simple).AddColumns("user", "admin", "max jobs", "max memory", "max device s", "active jobs", "device s used");
            foreach (var u in users)
            {
                table.AddRow(Markup.Escape(u.Name), u.Admin ? "yes" : "", u.MaxJobs is { } j ? j.ToString(CultureInfo.InvariantCulture) : "-",
                    u.MaxMemoryBytes is { } m ? CliOutput.Bytes(m) : "-", u.MaxDeviceSeconds is { } d ? d.ToString("0.#", CultureInfo.InvariantCulture) : "-",
                    u.ActiveJobs.ToString(CultureInfo.InvariantCulture), u.DeviceSecondsUsed.ToString("0.##", CultureInfo.InvariantCulture));
            }
            CliOutput.Table(table);
            return 0;
        });
        return command;
    }

    private static Command Add()
    {
        var name = new Argument<string>("NAME") { Description = "User name" };
        var admin = new Option<bool>("--admin") { Description = "An administrator (users, nodes, every job)" };
        var (maxJobs, maxMemory, maxSeconds) = QuotaOptions();
        var command = new Command("add", "Add a user and print their token (shown once; only its hash is stored)") { name, admin, maxJobs, maxMemory, maxSeconds };
        command.SetAction(result =>
        {
            var request = new AddUserRequest { Name = result.GetValue(name)!, Admin = result.GetValue(admin) };
            if (Quota(result.GetValue(maxJobs), "--max-jobs", long.Parse) is { } jobs)
            {
                request.MaxJobs = jobs;
            }
            if (Quota(result.GetValue(maxMemory), "--max-memory", SandboxLimits.ParseSize) is { } memory)
            {
                request.MaxMemoryBytes = memory;
            }
            if (Quota(result.GetValue(maxSeconds), "--max-device-seconds", s => double.Parse(s, CultureInfo.InvariantCulture)) is { } seconds)
            {
                request.MaxDeviceSeconds = seconds;
            }
            var reply = Admin(result, (client, call) => client.AddUser(request, call));
            PrintToken(result, reply, $"user '{reply.User.Name}' added; give them this token (LAVA_TOKEN or --token); it is not shown again");
            return 0;
        });
        return command;
    }

    private static Command Remove()
    {
        var name = new Argument<string>("NAME") { Description = "User name" };
        var command = new Command("remove", "Remove a user: their token is refused at once, their queued and running jobs are cancelled") { name };
        command.SetAction(result =>
        {
            var reply = Admin(result, (client, call) => client.RemoveUser(new UserRequest { Name = result.GetValue(name)! }, call));
            if (result.GetValue(CliOutput.JsonOption))
            {
                CliOutput.Json(new JsonObject { ["user"] = reply.Name, ["cancelled_jobs"] = reply.CancelledJobs });
            }
            else
            {
                Console.WriteLine($"user '{reply.Name}' removed; {reply.CancelledJobs} job(s) cancelled");
            }
            return 0;
        });
        return command;
    }

    private static Command SetQuota()
    {
        var name = new Argument<string>("NAME") { Description = "User name" };
        var (maxJobs, maxMemory, maxSeconds) = QuotaOptions();
        var command = new Command("set-quota", "Change a user's quotas (a value sets one, 'none' removes it, an option left out keeps it)") { name, maxJobs, maxMemory, maxSeconds };
        command.SetAction(result =>
        {
            var request = new SetQuotaRequest { Name = result.GetValue(name)! };
            var (jobs, memory, seconds) = (result.GetValue(maxJobs), result.GetValue(maxMemory), result.GetValue(maxSeconds));
            if (jobs is null && memory is null && seconds is null)
            {
                throw new LavaException("set-quota needs --max-jobs, --max-memory or --max-device-seconds (a value, or 'none')");
            }
            request.UnsetMaxJobs = jobs == "none";
            request.UnsetMaxMemory = memory == "none";
            request.UnsetMaxDeviceSeconds = seconds == "none";
            if (Quota(jobs, "--max-jobs", long.Parse) is { } j)
            {
                request.MaxJobs = j;
            }
            if (Quota(memory, "--max-memory", SandboxLimits.ParseSize) is { } m)
            {
                request.MaxMemoryBytes = m;
            }
            if (Quota(seconds, "--max-device-seconds", s => double.Parse(s, CultureInfo.InvariantCulture)) is { } d)
            {
                request.MaxDeviceSeconds = d;
            }
            var user = Admin(result, (client, call) => client.SetQuota(request, call));
            if (result.GetValue(CliOutput.JsonOption))
            {
                CliOutput.Json(Json(user));
            }
            else
            {
                Console.WriteLine($"user '{user.Name}': max jobs {(user.MaxJobs is { } setJobs ? setJobs.ToString(CultureInfo.InvariantCulture) : "none")}, max memory {(user.MaxMemoryBytes is { } setMemory ? CliOutput.Bytes(setMemory) : "none")}, max device seconds {(user.MaxDeviceSeconds is { } setSeconds ? setSeconds.ToString("0.#", CultureInfo.InvariantCulture) : "none")}");
            }
            return 0;
        });
        return command;
    }

    private static Command Rotate()
    {
        var name = new Argument<string>("NAME") { Description = "User name" };
        var command = new Command("rotate-token", "Issue a new token for a user and print it; the old one is refused at once") { name };
        command.SetAction(result =>
        {
            var reply = Admin(result, (client, call) => client.RotateToken(new UserRequest { Name = result.GetValue(name)! }, call));
            PrintToken(result, reply, $"user '{reply.User.Name}' has a new token (the old one no longer works); it is not shown again");
            return 0;
        });
        return command;
    }

    private static (Option<string?> Jobs, Option<string?> Memory, Option<string?> Seconds) QuotaOptions() =>
        (new Option<string?>("--max-jobs") { Description = "Quota: jobs queued or running at once ('none': no limit)" },
         new Option<string?>("--max-memory") { Description = "Quota: largest memory limit per job (also the default limit), e.g. 2G ('none')" },
         new Option<string?>("--max-device-seconds") { Description = "Quota: device time of all the user's jobs ('none')" });

    private static T? Quota<T>(string? text, string option, Func<string, T> parse) where T : struct
    {
        if (text is null || text == "none")
        {
            return null;
        }
        try
        {
            return parse(text);
        }
        catch (FormatException)
        {
            throw new LavaException($"{option} '{text}' is not a number (or 'none')");
        }
        catch (OverflowException)
        {
            throw new LavaException($"{option} '{text}' is out of range");
        }
    }

    private static T Admin<T>(ParseResult result, Func<AdminService.AdminServiceClient, Grpc.Core.CallOptions, T> call)
    {
        using var connection = ServiceConnection.Open(result);
        var client = new AdminService.AdminServiceClient(connection.Channel);
        return connection.Invoke(options => call(client, options));
    }

    private static void PrintToken(ParseResult result, UserToken reply, string message)
    {
        if (result.GetValue(CliOutput.JsonOption))
        {
            CliOutput.Json(new JsonObject { ["user"] = reply.User.Name, ["token"] = reply.Token, ["admin"] = reply.User.Admin });
            return;
        }
        Console.WriteLine(reply.Token);
        Console.Error.WriteLine(message);
    }

    private static JsonObject Json(User u) => new()
    {
        ["user"] = u.Name,
        ["admin"] = u.Admin,
        ["max_jobs"] = u.MaxJobs,
        ["max_memory_bytes"] = u.MaxMemoryBytes,
        ["max_device_seconds"] = u.MaxDeviceSeconds,
        ["active_jobs"] = u.ActiveJobs,
        ["device_seconds_used"] = u.DeviceSecondsUsed,
    };
}
