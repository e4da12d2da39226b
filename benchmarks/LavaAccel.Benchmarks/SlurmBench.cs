using System.Diagnostics;
using System.Globalization;
using System.Text;
using Grpc.Core;
using Grpc.Net.Client;
using LavaAccel.Api.V1;
using LavaAccel.Service;
using LavaAccel.Service.Security;
using LavaAccel.Service.Slurm;
using LavaAccel.Service.Storage;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;

namespace LavaAccel.Benchmarks;

/// <summary>
/// Latency through Slurm, on a real single-host Slurm cluster (<c>tools/slurm-cluster.sh</c>),
/// next to the peer measured in the same run: <c>lava serve</c>'s embedded node (local). Pilot
/// mode: the pilot's start-up (sbatch → <c>lava node</c> registered) and submit → result after
/// warm-up; job mode: submit → result with one Slurm job per lava job. A cached saxpy over 1,024
/// floats, paced one at a time; needs root and the Slurm packages.
/// </summary>
internal static class SlurmBench
{
    public static string Run(int jobs)
    {
        var inv = CultureInfo.InvariantCulture;
        var script = Repo("tools/slurm-cluster.sh");
        var cluster = Directory.CreateTempSubdirectory("lava-bench-slurm-").FullName;
        Tool("bash", script, "start", cluster);
        Environment.SetEnvironmentVariable("SLURM_CONF", Path.Combine(cluster, "slurm.conf"));
        var report = new StringBuilder();
        void Line(string text)
        {
            Console.WriteLine(text);
            report.AppendLine(text);
        }
        try
        {
            Line($"lava serve through Slurm 22.05 (one host: slurmctld + 2 slurmd), {Environment.ProcessorCount} cores; {jobs} paced jobs each (100 ms apart) after 20 to warm up; {DateTime.UtcNow:yyyy-MM-dd}");
            Line("");
            Line("| executor | submit → result p50 ms | p99 ms | ÷ local (p50) | queued → claimed p50 ms | claimed → stored p50 ms |");
            Line("|---|---:|---:|---:|---:|---:|");
            var local = Measure(null, jobs, out _);
            Line(string.Create(inv, $"| local (embedded node, peer) | {local.P50:0.0} | {local.P99:0.0} | 1.00× | {local.Wait:0} | {local.Running:0} |"));
            var pilot = Measure(new SlurmOptions("pilot", MinPilots: 1, MaxPilots: 1, PilotIdle: TimeSpan.FromSeconds(120)), jobs, out var pilotStart);
            Line(string.Create(inv, $"| slurm, pilot mode (warm pilot) | {pilot.P50:0.0} | {pilot.P99:0.0} | {pilot.P50 / local.P50:0.00}× | {pilot.Wait:0} | {pilot.Running:0} |"));
            var job = Measure(new SlurmOptions("job"), Math.Min(jobs, 20), out _);
            Line(string.Create(inv, $"| slurm, job mode (a Slurm job per lava job) | {job.P50:0.0} | {job.P99:0.0} | {job.P50 / local.P50:0.00}× | {job.Wait:0} | {job.Running:0} |"));
            Line("");
            Line(string.Create(inv, $"pilot start-up: sbatch → pilot registered with the controller in {pilotStart:0.00} s (goal for submit → result through a warm pilot: p50 ≤ 25 ms)"));
            return report.ToString();
        }
        finally
        {
            Tool("bash", script, "stop", cluster);
        }
    }

    private sealed record Latency(double P50, double P99, double Wait, double Running);

    private static Latency Measure(SlurmOptions? slurm, int count, out double pilotStartSeconds)
    {
        var data = Directory.CreateTempSubdirectory("lava-bench-slurm-data-");
        var (port, nodePort) = (ServiceLoad.FreePort(), ServiceLoad.FreePort());
        if (slurm?.Mode == "pilot")
        {
            CertificateAuthority.OpenOrCreate(CertificateAuthority.DirectoryIn(data.FullName)).IssueController(["127.0.0.1"]);
        }
        var app = ServiceHost.Build(new ServiceOptions
        {
            DataDirectory = data.FullName,
            Listen = $"http://127.0.0.1:{port}",
            MetricsListen = $"http://127.0.0.1:{ServiceLoad.FreePort()}",
            NodeListen = slurm?.Mode == "pilot" ? $"https://127.0.0.1:{nodePort}" : null,
            Roles = slurm is null ? new HashSet<string>(["controller", "access", "compute"]) : new HashSet<string>(["controller", "access"]),
            Slurm = slurm,
            PoolSize = 2,
        }, _ => { });
        try
        {
            var clock = Stopwatch.StartNew();
            app.StartAsync().GetAwaiter().GetResult();
            pilotStartSeconds = 0;
            if (slurm?.Mode == "pilot")
            {
                var nodes = app.Services.GetRequiredService<NodeStore>();
                while (!nodes.List().Any(n => n.Alive))
                {
                    if (clock.Elapsed > TimeSpan.FromMinutes(2))
                    {
                        throw new InvalidOperationException("no pilot registered in 2 minutes");
                    }
                    Thread.Sleep(20);
                }
                pilotStartSeconds = clock.Elapsed.TotalSeconds;
            }
            var token = File.ReadAllText(Path.Combine(data.FullName, ServiceHost.AdminTokenFile)).Trim();
            var headers = new Metadata { { "authorization", "Bearer " + token } };
            using var channel = GrpcChannel.ForAddress($"http://127.0.0.1:{port}");
            var client = new JobService.JobServiceClient(channel);
            var digest = ServiceLoad.Upload(channel, headers);
            ServiceLoad.EndToEnd(client, headers, digest, 20, 100);
            var (_, endToEnd, wait, running) = ServiceLoad.EndToEnd(client, headers, digest, count, 100);
            return new Latency(ServiceLoad.Percentile(endToEnd, 50), ServiceLoad.Percentile(endToEnd, 99), ServiceLoad.Percentile(wait, 50), ServiceLoad.Percentile(running, 50));
        }
        finally
        {
            app.StopAsync().GetAwaiter().GetResult();
            ((IAsyncDisposable)app).DisposeAsync().AsTask().GetAwaiter().GetResult();
            Thread.Sleep(1000); // the cancelled pilot's files go with its process
            try
            {
                data.Delete(recursive: true);
            }
            catch (IOException)
            {
                // a pilot still ending: its temporary files stay
            }
        }
    }

    private static string Repo(string relative)
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, relative)))
            {
                return Path.Combine(directory.FullName, relative);
            }
        }
        throw new FileNotFoundException($"{relative} is not above {AppContext.BaseDirectory}");
    }

    private static void Tool(string tool, params string[] args)
    {
        var start = new ProcessStartInfo(tool) { UseShellExecute = false, RedirectStandardOutput = true };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }
        using var process = Process.Start(start)!;
        process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{tool} {string.Join(' ', args)} failed ({process.ExitCode})");
        }
    }
}
