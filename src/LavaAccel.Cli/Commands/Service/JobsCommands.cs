using System.CommandLine;
using System.Text.Json.Nodes;
using LavaAccel.Api.V1;
using Spectre.Console;

namespace LavaAccel.Cli.Service;

/// <summary><c>lava jobs</c>, <c>lava job ID</c>, <c>lava cancel ID</c>: the caller's jobs on the service.</summary>
internal static class JobsCommands
{
    public static Command List()
    {
        var state = new Option<string?>("--state") { Description = "Only jobs in this state (queued, running, succeeded, failed, cancelled)" };
        var limit = new Option<int>("--limit") { Description = "At most this many, newest first", DefaultValueFactory = _ => 50 };
        var user = new Option<string?>("--user") { Description = "Admins: this user's jobs" };
        var allUsers = new Option<bool>("--all-users", "-A") { Description = "Admins: every user's jobs" };
        var command = new Command("jobs", "List your jobs on the service (admins: --user NAME or --all-users)") { state, limit, user, allUsers };
        command.SetAction(result =>
        {
            using var connection = ServiceConnection.Open(result);
            var client = new JobService.JobServiceClient(connection.Channel);
            var jobs = connection.Invoke(call => client.ListJobs(new ListJobsRequest
            {
                State = result.GetValue(state) ?? "",
                Limit = result.GetValue(limit),
                User = result.GetValue(allUsers) ? "*" : result.GetValue(user) ?? "",
            }, call)).Jobs;
            if (result.GetValue(CliOutput.JsonOption))
            {
                CliOutput.Json(new JsonArray([.. jobs.Select(j => (JsonNode)JobPrinter.Json(j))]));
                return 0;
            }
            var table = new Table().Border(TableBorder.Simple).AddColumn("job").AddColumn("state").AddColumn("owner").AddColumn("kernel").AddColumn("target").AddColumn("node").AddColumn(new TableColumn("kernel time").RightAligned()).AddColumn("error");
            foreach (var job in jobs)
            {
                var target = job.Target.Length > 0 ? job.Target : job.RequestedTarget.Length > 0 ? job.RequestedTarget : "auto";
                var node = job.Node.Length > 0 ? job.Node : job.Placement?.Chosen?.Node ?? "";
                table.AddRow(job.Id, JobPrinter.State(job), Markup.Escape(job.Owner), Markup.Escape(job.Kernel), Markup.Escape(target), Markup.Escape(node), job.State == "succeeded" ? CliOutput.Ms(job.KernelMs) : "", Markup.Escape(CliOutput.Short(job.Error, 57)));
            }
            CliOutput.Table(table);
            return 0;
        });
        return command;
    }

    public static Command Show()
    {
        var id = new Argument<string>("ID") { Description = "Job id" };
        var log = new Option<bool>("--log") { Description = "Print what the kernel printed (OpenCL printf; the service keeps 64 KiB)" };
        var command = new Command("job", "Show one of your jobs") { id, log };
        command.SetAction(result =>
        {
            using var connection = ServiceConnection.Open(result);
            var client = new JobService.JobServiceClient(connection.Channel);
            if (result.GetValue(log))
            {
                var text = connection.Invoke(call => client.GetJobLog(new GetJobRequest { Id = result.GetValue(id)! }, call));
                if (result.GetValue(CliOutput.JsonOption))
                {
                    CliOutput.Json(new System.Text.Json.Nodes.JsonObject { ["job_id"] = result.GetValue(id), ["log"] = text.Text, ["truncated"] = text.Truncated });
                }
                else
                {
                    Console.Out.Write(text.Text);
                }
                return 0;
            }
            var job = connection.Invoke(call => client.GetJob(new GetJobRequest { Id = result.GetValue(id)! }, call));
            if (result.GetValue(CliOutput.JsonOption))
            {
                CliOutput.Json(JobPrinter.Json(job));
            }
            else
            {
                JobPrinter.Print(job);
            }
            return 0;
        });
        return command;
    }

    public static Command Cancel()
    {
        var id = new Argument<string>("ID") { Description = "Job id" };
        var command = new Command("cancel", "Cancel one of your jobs (a running kernel is stopped)") { id };
        command.SetAction(result =>
        {
            using var connection = ServiceConnection.Open(result);
            var client = new JobService.JobServiceClient(connection.Channel);
            var job = connection.Invoke(call => client.CancelJob(new GetJobRequest { Id = result.GetValue(id)! }, call));
            if (result.GetValue(CliOutput.JsonOption))
            {
                CliOutput.Json(JobPrinter.Json(job));
            }
            else
            {
                Console.WriteLine(job.State == "running" ? $"{job.Id}: cancelling (its kernel is being stopped)" : $"{job.Id}: {job.State}");
            }
            return 0;
        });
        return command;
    }
}
