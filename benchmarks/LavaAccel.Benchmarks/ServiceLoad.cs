using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Grpc.Core;
using Grpc.Net.Client;
using LavaAccel.Api.V1;
using LavaAccel.Service;
using LavaAccel.Toolchain;
using Microsoft.AspNetCore.Builder;

namespace LavaAccel.Benchmarks;

/// <summary>
/// Load generator for <c>lava serve</c>, against a server started in this process on loopback
/// (same 2 cores for both sides, as a node would have): unary device-profile queries per second
/// and their latency next to a trivial echo RPC on the same server, submit latency, end-to-end
/// submit → result of a cached small CPU kernel, and a flood of jobs from concurrent clients
/// (none lost, memory before/after).
/// </summary>
internal static class ServiceLoad
{
    public static string Run(TimeSpan duration, int floodJobs, int floodClients)
    {
        var inv = CultureInfo.InvariantCulture;
        var data = Directory.CreateTempSubdirectory("lava-bench-service-");
        var port = FreePort();
        var report = new StringBuilder();
        void Line(string text)
        {
            Console.WriteLine(text);
            report.AppendLine(text);
        }
        var app = ServiceHost.Build(new ServiceOptions
        {
            DataDirectory = data.FullName,
            Listen = $"http://127.0.0.1:{port}",
            MetricsListen = $"http://127.0.0.1:{FreePort()}",
            PoolSize = 2,
        }, _ => { });
        try
        {
            app.StartAsync().GetAwaiter().GetResult();
            var token = File.ReadAllText(Path.Combine(data.FullName, ServiceHost.AdminTokenFile)).Trim();
            var headers = new Metadata { { "authorization", "Bearer " + token } };
            var address = $"http://127.0.0.1:{port}";
            Line($"lava serve load, loopback, {Environment.ProcessorCount} cores, client and server in one process; {DateTime.UtcNow:yyyy-MM-dd}");
            Line("");
            Line("| RPC | requests/s | p50 ms | p99 ms |");
            Line("|---|---:|---:|---:|");
            var deviceId = Query(address, headers, TimeSpan.FromSeconds(1), (c, h) => c.Devices.ListDevicesAsync(new ListDevicesRequest(), h)).Sample!.Devices[0].Id;
            // Everything once to warm up (JIT tiers, connections), then measured.
            Query(address, headers, TimeSpan.FromSeconds(2), (c, h) => c.Diagnostics.EchoAsync(new EchoRequest { Text = "ping" }, h));
            Query(address, headers, TimeSpan.FromSeconds(2), (c, h) => c.Devices.GetDeviceAsync(new GetDeviceRequest { Id = deviceId }, h));
            var echo = Query(address, headers, duration, (c, h) => c.Diagnostics.EchoAsync(new EchoRequest { Text = "ping" }, h));
            var get = Query(address, headers, duration, (c, h) => c.Devices.GetDeviceAsync(new GetDeviceRequest { Id = deviceId }, h));
            var list = Query(address, headers, duration, (c, h) => c.Devices.ListDevicesAsync(new ListDevicesRequest(), h));
            Line(string.Create(inv, $"| Diagnostics/Echo (trivial peer) | {echo.Rate:0} | {echo.P50:0.00} | {echo.P99:0.00} |"));
            Line(string.Create(inv, $"| DeviceService/GetDevice (one profile) | {get.Rate:0} | {get.P50:0.00} | {get.P99:0.00} |"));
            Line(string.Create(inv, $"| DeviceService/ListDevices (all profiles) | {list.Rate:0} | {list.P50:0.00} | {list.P99:0.00} |"));
            Line(string.Create(inv, $"\nGetDevice ÷ Echo throughput: {get.Rate / echo.Rate:0.00}; ListDevices ÷ Echo: {list.Rate / echo.Rate:0.00} (goal: ≥ 20,000 requests/s, p99 ≤ 10 ms)"));

            using var channel = GrpcChannel.ForAddress(address);
            var jobs = new JobService.JobServiceClient(channel);
            var digest = Upload(channel, headers);
            // Paced: one job at a time with a pause after each, so the warm pool has refilled (the
            // latency a user sees); back to back: the next job as soon as the last is done, which
            // is bound by how fast runc creates the containers that replace used ones.
            foreach (var (label, pause) in new[] { ("paced (100 ms between jobs)", 100), ("back to back", 0) })
            {
                var (submit, endToEnd, queueWait, running) = EndToEnd(jobs, headers, digest, 150, pause);
                Line("");
                Line($"{label}, 150 jobs:");
                Line(string.Create(inv, $"  submit latency (SubmitJob reply, job stored): p50 {Percentile(submit, 50):0.00} ms, p99 {Percentile(submit, 99):0.00} ms (goal p50 ≤ 5 ms)"));
                Line(string.Create(inv, $"  submit → result of a cached saxpy over 1,024 floats in an oci container from the warm pool (watch + outputs): p50 {Percentile(endToEnd, 50):0.00} ms, p99 {Percentile(endToEnd, 99):0.00} ms (goal p50 ≤ 20 ms)"));
                Line(string.Create(inv, $"  medians from the job record (ms resolution): queued → claimed {Percentile(queueWait, 50):0} ms, claimed → result stored {Percentile(running, 50):0} ms"));
            }

            if (floodJobs > 0)
            {
                GC.Collect();
                var before = Process.GetCurrentProcess().WorkingSet64;
                var ids = new ConcurrentBag<string>();
                var flood = Stopwatch.StartNew();
                Parallel.ForEach(Enumerable.Range(0, floodClients), new ParallelOptions { MaxDegreeOfParallelism = floodClients }, client =>
                {
                    using var own = GrpcChannel.ForAddress(address);
                    var c = new JobService.JobServiceClient(own);
                    for (var i = client; i < floodJobs; i += floodClients)
                    {
                        ids.Add(c.SubmitJob(Saxpy(digest), headers).Id);
                    }
                });
                var submitted = flood.Elapsed.TotalSeconds;
                var peak = Process.GetCurrentProcess().WorkingSet64;
                while (true)
                {
                    var open = jobs.ListJobs(new ListJobsRequest { State = "queued", Limit = 1 }, headers).Jobs.Count + jobs.ListJobs(new ListJobsRequest { State = "running", Limit = 1 }, headers).Jobs.Count;
                    peak = Math.Max(peak, Process.GetCurrentProcess().WorkingSet64);
                    if (open == 0)
                    {
                        break;
                    }
                    Thread.Sleep(500);
                }
                var drained = flood.Elapsed.TotalSeconds;
                var states = ids.Select(id => jobs.GetJob(new GetJobRequest { Id = id }, headers).State).GroupBy(s => s).ToDictionary(g => g.Key, g => g.Count());
                GC.Collect();
                var after = Process.GetCurrentProcess().WorkingSet64;
                Line("");
                Line(string.Create(inv, $"flood: {floodJobs} jobs from {floodClients} concurrent clients, submitted in {submitted:0.0} s ({floodJobs / submitted:0} submits/s), all ended after {drained:0.0} s ({floodJobs / drained:0.0} jobs/s)"));
                Line(string.Create(inv, $"  accepted {ids.Count}, distinct {ids.Distinct().Count()}; states: {string.Join(", ", states.Select(s => $"{s.Key} {s.Value}"))}"));
                Line(string.Create(inv, $"  working set (client + server): before {before / 1048576.0:0} MiB, peak {peak / 1048576.0:0} MiB, after {after / 1048576.0:0} MiB"));
            }
            return report.ToString();
        }
        finally
        {
            app.StopAsync().GetAwaiter().GetResult();
            ((IAsyncDisposable)app).DisposeAsync().AsTask().GetAwaiter().GetResult();
            data.Delete(recursive: true);
        }
    }

    private sealed record Clients(DeviceService.DeviceServiceClient Devices, LavaAccel.Api.V1.Diagnostics.DiagnosticsClient Diagnostics);

    private sealed record QueryResult(double Rate, double P50, double P99, ListDevicesResponse? Sample);

    // 4 HTTP/2 connections × 16 calls in flight each, for the given time after a 1 s warm-up.
    private static QueryResult Query<T>(string address, Metadata headers, TimeSpan duration, Func<Clients, CallOptions, AsyncUnaryCall<T>> call)
    {
        const int Connections = 4;
        const int InFlight = 16;
        var channels = Enumerable.Range(0, Connections).Select(_ => GrpcChannel.ForAddress(address)).ToArray();
        try
        {
            var clients = channels.Select(c => new Clients(new DeviceService.DeviceServiceClient(c), new LavaAccel.Api.V1.Diagnostics.DiagnosticsClient(c))).ToArray();
            var options = new CallOptions(headers);
            T? sample = default;
            var latencies = new ConcurrentBag<double[]>();
            var measuring = false;
            var stop = false;
            var tasks = Enumerable.Range(0, Connections * InFlight).Select(n => Task.Run(async () =>
            {
                var mine = new List<double>(1 << 16);
                var client = clients[n % Connections];
                while (!Volatile.Read(ref stop))
                {
                    var start = Stopwatch.GetTimestamp();
                    var reply = await call(client, options);
                    if (Volatile.Read(ref measuring))
                    {
                        mine.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
                    }
                    sample ??= reply;
                }
                latencies.Add([.. mine]);
            })).ToArray();
            Thread.Sleep(1000);
            Volatile.Write(ref measuring, true);
            var clock = Stopwatch.StartNew();
            Thread.Sleep(duration);
            Volatile.Write(ref measuring, false);
            var elapsed = clock.Elapsed.TotalSeconds;
            Volatile.Write(ref stop, true);
            Task.WaitAll(tasks);
            var all = latencies.SelectMany(l => l).ToList();
            return new QueryResult(all.Count / elapsed, Percentile(all, 50), Percentile(all, 99), sample as ListDevicesResponse);
        }
        finally
        {
            foreach (var channel in channels)
            {
                channel.Dispose();
            }
        }
    }

    /// <summary>Timed jobs, one at a time with <paramref name="pauseMs"/> between them: submit reply, submit → outputs, and from the job records queued → claimed and claimed → stored (ms).</summary>
    internal static (List<double> Submit, List<double> EndToEnd, List<double> QueueWait, List<double> Running) EndToEnd(JobService.JobServiceClient jobs, Metadata headers, string digest, int count, int pauseMs, string target = "cpu/x86_64/x86-64-v2")
    {
        var submit = new List<double>();
        var endToEnd = new List<double>();
        var queueWait = new List<double>();
        var running = new List<double>();
        for (var i = 0; i < count; i++)
        {
            Thread.Sleep(pauseMs);
            var clock = Stopwatch.StartNew();
            var request = Saxpy(digest);
            request.Target = target;
            var job = jobs.SubmitJob(request, headers);
            submit.Add(clock.Elapsed.TotalMilliseconds);
            using var watch = jobs.WatchJob(new GetJobRequest { Id = job.Id }, headers);
            while (watch.ResponseStream.MoveNext().GetAwaiter().GetResult() && watch.ResponseStream.Current.State is "queued" or "running")
            {
            }
            var done = watch.ResponseStream.Current;
            if (done.State != "succeeded")
            {
                throw new InvalidOperationException($"job {job.Id} ended {done.State}: {done.Error}");
            }
            var outputs = jobs.GetOutputs(new GetJobRequest { Id = job.Id }, headers);
            endToEnd.Add(clock.Elapsed.TotalMilliseconds);
            queueWait.Add(done.StartedUnixMs - done.CreatedUnixMs);
            running.Add(done.FinishedUnixMs - done.StartedUnixMs);
            if (outputs.Outputs.Count != 1)
            {
                throw new InvalidOperationException($"job {job.Id} came back without its output");
            }
        }
        return (submit, endToEnd, queueWait, running);
    }

    internal static SubmitJobRequest Saxpy(string digest)
    {
        var request = new SubmitJobRequest { PackageDigest = digest, Kernel = "saxpy", Target = "cpu/x86_64/x86-64-v2" };
        request.GlobalSize.Add(1024);
        request.Arguments.Add(new JobArgument { Name = "a", Text = "2" });
        request.Arguments.Add(new JobArgument { Name = "x", Text = "range:1024" });
        request.Arguments.Add(new JobArgument { Name = "y", Text = "ones:1024" });
        return request;
    }

    internal static string Upload(GrpcChannel channel, Metadata headers)
    {
        var source = Path.Combine(Directory.CreateTempSubdirectory("lava-bench-pkg-").FullName, "saxpy.cl");
        File.WriteAllText(source, "__kernel void saxpy(float a, __global const float* x, __global float* y) { size_t i = get_global_id(0); y[i] = a * x[i] + y[i]; }");
        var package = PackageBuilder.Pack(source, new PackOptions([]));
        var packages = new PackageService.PackageServiceClient(channel);
        using var upload = packages.UploadPackage(headers);
        upload.RequestStream.WriteAsync(new PackageChunk { Data = Google.Protobuf.ByteString.CopyFrom(package.Bytes) }).GetAwaiter().GetResult();
        upload.RequestStream.CompleteAsync().GetAwaiter().GetResult();
        return upload.ResponseAsync.GetAwaiter().GetResult().Digest;
    }

    internal static double Percentile(List<double> values, double p)
    {
        if (values.Count == 0)
        {
            return 0;
        }
        values.Sort();
        return values[Math.Min(values.Count - 1, (int)Math.Ceiling(p / 100 * values.Count) - 1)];
    }

    internal static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
