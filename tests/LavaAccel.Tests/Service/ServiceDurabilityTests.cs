using System.Diagnostics;
using Google.Protobuf;
using Grpc.Core;
using Grpc.Health.V1;
using LavaAccel.Api.V1;
using LavaAccel.Execution;

namespace LavaAccel.Tests.Service;

/// <summary><c>kill -9</c> of <c>lava serve</c> while it works through a queue, twice: after the restarts every accepted job has completed, once.</summary>
public sealed class ServiceDurabilityTests
{
    private const int Jobs = 24;
    private const int Items = 1 << 18;

    [Fact]
    public async Task Killing_the_server_loses_no_accepted_job()
    {
        using var home = new TempLavaHome();
        var data = Path.Combine(home.Path, "service");
        var port = ServiceFixture.FreePort();
        var metrics = ServiceFixture.FreePort();
        string[] Serve() => ["serve", "--listen", $"http://127.0.0.1:{port}", "--metrics-listen", $"http://127.0.0.1:{metrics}", "--data", data, "--pool", "1", "--workers", "2"];
        var server = LavaCli.Start(home.Path, Serve());
        try
        {
            await WaitServingAsync(port);
            using var client = new ServiceFixture.Client($"http://127.0.0.1:{port}", File.ReadAllText(Path.Combine(data, "admin.token")).Trim());
            var source = Path.Combine(home.Path, "saxpy.cl");
            File.Copy(LavaCli.RepoFile("kernels/saxpy.cl"), source);
            var package = LavaAccel.Toolchain.PackageBuilder.Pack(source, new([]));
            await client.UploadAsync(package.Bytes);
            var submitted = new List<string>();
            for (var i = 0; i < Jobs; i++)
            {
                var request = new SubmitJobRequest { PackageDigest = package.Digest, Kernel = "saxpy" };
                request.GlobalSize.Add(Items);
                request.Arguments.Add(new JobArgument { Name = "a", Text = i.ToString(System.Globalization.CultureInfo.InvariantCulture) });
                request.Arguments.Add(new JobArgument { Name = "x", Text = $"range:{Items}" });
                request.Arguments.Add(new JobArgument { Name = "y", Text = $"ones:{Items}" });
                submitted.Add((await client.Jobs.SubmitJobAsync(request, client.Call())).Id);
            }
            // Two hard kills while the queue drains, each while a job is running.
            for (var kill = 0; kill < 2; kill++)
            {
                var before = await WaitForAsync(client, jobs => jobs.Any(j => j.State == "running") || jobs.All(j => j.State == "succeeded"), TimeSpan.FromMinutes(2));
                server.Kill(); // SIGKILL
                if (kill == 0)
                {
                    Assert.Contains(before, j => j.State is "queued" or "running"); // the kill left work outstanding
                }
                await server.WaitForExitAsync();
                server.Dispose();
                server = LavaCli.Start(home.Path, Serve());
                await WaitServingAsync(port);
            }
            var final = await WaitForAsync(client, jobs => jobs.Count == Jobs && jobs.All(j => j.State is "succeeded" or "failed" or "cancelled"), TimeSpan.FromMinutes(3));
            Assert.Equal(submitted.Order(), final.Select(j => j.Id).Order());
            Assert.All(final, j => Assert.True(j.State == "succeeded", $"{j.Id}: {j.State} {j.Error}"));
            for (var i = 0; i < Jobs; i++)
            {
                var outputs = await client.Jobs.GetOutputsAsync(new GetJobRequest { Id = submitted[i] }, client.Call());
                var path = Path.Combine(home.Path, $"y{i}.npy");
                File.WriteAllBytes(path, Assert.Single(outputs.Outputs).Npy.ToByteArray());
                var y = (float[])NpyArray.Load(path).ToArray();
                Assert.Equal(i * (Items - 1f) + 1, y[Items - 1]);
            }
        }
        finally
        {
            if (!server.HasExited)
            {
                server.Kill();
                await server.WaitForExitAsync();
            }
            server.Dispose();
        }
    }

    private static async Task<IReadOnlyList<Job>> WaitForAsync(ServiceFixture.Client client, Func<IReadOnlyList<Job>, bool> done, TimeSpan limit)
    {
        var deadline = DateTime.UtcNow + limit;
        while (true)
        {
            var jobs = (await client.Jobs.ListJobsAsync(new ListJobsRequest { Limit = 1000 }, client.Call())).Jobs.ToList();
            if (done(jobs))
            {
                return jobs;
            }
            Assert.True(DateTime.UtcNow < deadline, "jobs: " + string.Join(", ", jobs.GroupBy(j => j.State).Select(g => $"{g.Key} {g.Count()}")));
            await Task.Delay(100);
        }
    }

    private static async Task WaitServingAsync(int port)
    {
        using var channel = Grpc.Net.Client.GrpcChannel.ForAddress($"http://127.0.0.1:{port}");
        var health = new Health.HealthClient(channel);
        var deadline = DateTime.UtcNow.AddMinutes(2);
        while (true)
        {
            try
            {
                if ((await health.CheckAsync(new HealthCheckRequest(), deadline: DateTime.UtcNow.AddSeconds(2))).Status == HealthCheckResponse.Types.ServingStatus.Serving)
                {
                    return;
                }
            }
            catch (RpcException) when (DateTime.UtcNow < deadline)
            {
                // not up yet
            }
            await Task.Delay(100);
        }
    }
}
