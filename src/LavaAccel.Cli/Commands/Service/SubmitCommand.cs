using System.CommandLine;
using System.Text.Json.Nodes;
using Google.Protobuf;
using Grpc.Core;
using LavaAccel.Api.V1;
using LavaAccel.Execution;

namespace LavaAccel.Cli.Service;

/// <summary>
/// <c>lava submit [--server URL] PKG --kernel K --global N … [--wait] [--out NAME=FILE.npy]</c>: uploads
/// the package (unless the server already has it for this user), submits the job, and with
/// <c>--wait</c> follows it to the end and writes the outputs.
/// </summary>
internal static class SubmitCommand
{
    private const int ChunkBytes = 1 << 20;

    public static Command Create()
    {
        var input = new Argument<string>("PKG") { Description = "A .lava package, or kernels to pack first (.cl, .cs)" };
        var kernel = new Option<string>("--kernel", "-k") { Description = "Kernel to run", Required = true };
        var global = new Option<string>("--global", "-g") { Description = "Global size N[,N[,N]]", Required = true };
        var local = new Option<string?>("--local", "-l") { Description = "Local size L[,L[,L]]" };
        var args = new Option<string[]>("--arg", "-a") { Description = "NAME=VALUE as for lava run; @FILE.npy is uploaded with the job" };
        var outs = new Option<string[]>("--out", "-o") { Description = "NAME=FILE.npy: write a buffer when the job succeeded (with --wait)" };
        var target = new Option<string>("--target", "-t") { Description = "auto or a target id", DefaultValueFactory = _ => "auto" };
        var repeat = new Option<int>("--repeat", "-r") { Description = "Launches (median reported)", DefaultValueFactory = _ => 1 };
        var timeLimit = new Option<double?>("--time-limit") { Description = "Stop the kernel after SECONDS" };
        var memoryLimit = new Option<string?>("--memory-limit") { Description = "Memory limit, e.g. 512M" };
        var wait = new Option<bool>("--wait", "-w") { Description = "Follow the job until it ends" };
        var defines = new Option<string[]>("-D") { Description = "Preprocessor definition when packing an OpenCL C file" };
        var require = new Option<string?>("--require") { Description = "Only a device of this kind: cpu, gpu or fpga" };
        var unplaceable = new Option<bool>("--queue-unplaceable") { Description = "Queue the job even when no live node offers its target or device kind (it waits for one); otherwise it is refused" };
        var command = new Command("submit", "Submit a job to the service; the controller places it on the node where it is expected to finish first") { input, kernel, global, local, args, outs, target, require, unplaceable, repeat, timeLimit, memoryLimit, wait, defines };
        command.SetAction(async (result, cancellation) =>
        {
            var json = result.GetValue(CliOutput.JsonOption);
            var package = KernelLauncher.OpenInput(result.GetValue(input)!, result.GetValue(defines));
            var request = new SubmitJobRequest
            {
                PackageDigest = package.Digest,
                Kernel = result.GetValue(kernel)!,
                Target = result.GetValue(target)!,
                Require = result.GetValue(require) ?? "",
                QueueUnplaceable = result.GetValue(unplaceable),
                Repeat = result.GetValue(repeat),
                TimeLimitSeconds = result.GetValue(timeLimit) ?? 0,
                MemoryLimitBytes = result.GetValue(memoryLimit) is { } m ? LavaAccel.Sandbox.SandboxLimits.ParseSize(m) : 0,
            };
            request.GlobalSize.AddRange(NdRange.ParseSizes(result.GetValue(global)!, "--global"));
            if (result.GetValue(local) is { } l)
            {
                request.Local.AddRange(NdRange.ParseSizes(l, "--local"));
            }
            foreach (var spec in (result.GetValue(args) ?? []).Select(ArgumentSpec.Parse))
            {
                request.Arguments.Add(spec.IsFile
                    ? new JobArgument { Name = spec.Name, Npy = ByteString.CopyFrom(ReadNpy(spec.FilePath)) }
                    : new JobArgument { Name = spec.Name, Text = spec.Value });
            }
            var outputs = LavaAccel.Cli.Commands.LaunchOptionSet.ParseOuts(result.GetValue(outs) ?? []);
            if (outputs.Count > 0 && !result.GetValue(wait))
            {
                throw new LavaException("--out needs --wait (or submit now and collect later: lava outputs JOB --out NAME=FILE.npy)");
            }
            using var connection = ServiceConnection.Open(result);
            await UploadAsync(connection, package, cancellation).ConfigureAwait(false);
            var jobs = new JobService.JobServiceClient(connection.Channel);
            var job = connection.Invoke(call => jobs.SubmitJob(request, call));
            if (!result.GetValue(wait))
            {
                if (json)
                {
                    CliOutput.Json(JobPrinter.Json(job));
                }
                else
                {
                    Console.WriteLine($"submitted {job.Id} ({job.State}); `lava job {job.Id}` shows it");
                }
                return 0;
            }
            // The id at once, so a Ctrl-C or a lost terminal never loses the job (stderr under --json).
            (json ? Console.Error : Console.Out).WriteLine($"submitted {job.Id}; waiting for it (Ctrl-C stops waiting, not the job)");
            job = await FollowAsync(connection, jobs, job, json, cancellation).ConfigureAwait(false);
            var node = JobPrinter.Json(job);
            if (job.State == "succeeded" && outputs.Count > 0)
            {
                node["outputs"] = await OutputsCommand.WriteAsync(connection, jobs, job.Id, outputs, null, cancellation).ConfigureAwait(false);
            }
            if (json)
            {
                CliOutput.Json(node);
            }
            else
            {
                JobPrinter.Print(job);
                foreach (var (name, file) in outputs)
                {
                    Console.WriteLine($"output    {name} → {file}");
                }
            }
            if (job.State != "succeeded")
            {
                throw new LavaException($"job {job.Id} {job.State}{(job.Error.Length > 0 ? ": " + job.Error : "")}");
            }
            return 0;
        });
        return command;
    }

    // Asks first (a user re-submitting the same package uploads nothing), then streams 1 MiB chunks.
    internal static async Task UploadAsync(ServiceConnection connection, Package package, CancellationToken cancellation)
    {
        var packages = new PackageService.PackageServiceClient(connection.Channel);
        try
        {
            await packages.GetPackageAsync(new GetPackageRequest { Digest = package.Digest }, connection.Call(cancellation)).ConfigureAwait(false);
            return;
        }
        catch (RpcException e) when (e.StatusCode == StatusCode.NotFound)
        {
            // not there yet
        }
        catch (RpcException e)
        {
            throw connection.Failure(e);
        }
        try
        {
            using var upload = packages.UploadPackage(connection.Call(cancellation));
            try
            {
                for (var offset = 0; offset < package.Bytes.Length; offset += ChunkBytes)
                {
                    var chunk = new PackageChunk { Data = ByteString.CopyFrom(package.Bytes, offset, Math.Min(ChunkBytes, package.Bytes.Length - offset)) };
                    if (offset == 0)
                    {
                        chunk.Digest = package.Digest;
                    }
                    await upload.RequestStream.WriteAsync(chunk, cancellation).ConfigureAwait(false);
                }
                await upload.RequestStream.CompleteAsync().ConfigureAwait(false);
            }
            catch (Exception e) when (e is RpcException or InvalidOperationException && !cancellation.IsCancellationRequested)
            {
                // The server ended the upload early (size limit, bad package): its reason is in the response.
            }
            await upload.ResponseAsync.ConfigureAwait(false);
        }
        catch (RpcException e)
        {
            throw connection.Failure(e);
        }
    }

    private static async Task<Job> FollowAsync(ServiceConnection connection, JobService.JobServiceClient jobs, Job job, bool json, CancellationToken cancellation)
    {
        try
        {
            using var watch = jobs.WatchJob(new GetJobRequest { Id = job.Id }, connection.Call(cancellation));
            await foreach (var update in watch.ResponseStream.ReadAllAsync(cancellation).ConfigureAwait(false))
            {
                if (!json && update.State != job.State)
                {
                    Console.Error.WriteLine($"{update.Id}: {update.State}");
                }
                job = update;
            }
            return job;
        }
        catch (RpcException e)
        {
            throw connection.Failure(e);
        }
    }

    // A regular file only (no FIFO waits, no /dev/zero), no larger than lava reads.
    private static byte[] ReadNpy(string path) => LavaAccel.Host.RegularFiles.Read(path, NpyArray.MaxFileBytes, "buffer file");
}
