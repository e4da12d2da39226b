using System.CommandLine;
using System.Text.Json.Nodes;
using LavaAccel.Api.V1;

namespace LavaAccel.Cli.Service;

/// <summary><c>lava outputs JOB [--out NAME=FILE.npy]… [--all DIR]</c>: a finished job's buffers, collected any time after it ended.</summary>
internal static class OutputsCommand
{
    public static Command Create()
    {
        var id = new Argument<string>("JOB") { Description = "Job id" };
        var outs = new Option<string[]>("--out", "-o") { Description = "NAME=FILE.npy: write that buffer" };
        var all = new Option<string?>("--all") { Description = "Write every buffer as DIR/NAME.npy" };
        var command = new Command("outputs", "Fetch a finished job's output buffers (.npy); without --out or --all, list them") { id, outs, all };
        command.SetAction(async (result, cancellation) =>
        {
            using var connection = ServiceConnection.Open(result);
            var jobs = new JobService.JobServiceClient(connection.Channel);
            var job = result.GetValue(id)!;
            var wanted = LavaAccel.Cli.Commands.LaunchOptionSet.ParseOuts(result.GetValue(outs) ?? []);
            var directory = result.GetValue(all);
            var written = await WriteAsync(connection, jobs, job, wanted, directory, cancellation).ConfigureAwait(false);
            if (result.GetValue(CliOutput.JsonOption))
            {
                CliOutput.Json(new JsonObject { ["job_id"] = job, ["outputs"] = written });
            }
            else
            {
                foreach (var (name, value) in written)
                {
                    Console.WriteLine(value is JsonValue path && path.TryGetValue<string>(out var file) ? $"{name} → {file}" : $"{name}  {value}");
                }
            }
            return 0;
        });
        return command;
    }

    /// <summary>
    /// Writes the named buffers (and with <paramref name="directory"/> every buffer as DIR/NAME.npy);
    /// with neither, describes them. Returns name → path (or description).
    /// </summary>
    public static async Task<JsonObject> WriteAsync(ServiceConnection connection, JobService.JobServiceClient jobs, string id, IReadOnlyList<(string Name, string File)> wanted, string? directory, CancellationToken cancellation)
    {
        var written = connection.Invoke(call => jobs.GetOutputs(new GetJobRequest { Id = id }, call)).Outputs;
        var result = new JsonObject();
        foreach (var (name, file) in wanted)
        {
            var output = written.FirstOrDefault(o => o.Name == name)
                ?? throw new LavaException($"--out {name}: job {id} wrote no buffer '{name}' (it wrote: {string.Join(", ", written.Select(o => o.Name))})");
            await File.WriteAllBytesAsync(file, output.Npy.ToByteArray(), cancellation).ConfigureAwait(false);
            result[name] = file;
        }
        if (directory is not null)
        {
            Directory.CreateDirectory(directory);
            foreach (var output in written)
            {
                var file = Path.Combine(directory, output.Name + ".npy");
                await File.WriteAllBytesAsync(file, output.Npy.ToByteArray(), cancellation).ConfigureAwait(false);
                result[output.Name] = file;
            }
        }
        if (wanted.Count == 0 && directory is null)
        {
            foreach (var output in written)
            {
                result[output.Name] = $"{CliOutput.Bytes(output.Npy.Length)} (.npy)";
            }
        }
        return result;
    }
}
