using LavaAccel.Sandbox;

namespace LavaAccel.Tests.Sandbox;

/// <summary>
/// The worker's own wall and what lava believes of it: no code of a variant runs before its filter
/// (constructors and IFUNC resolvers are refused unloaded), the worker sees none of lava's
/// environment, a forged success report is refused, and the device runtimes' container (OpenCL)
/// holds as the CPU one does.
/// </summary>
[Collection("sandbox")]
public sealed class WorkerIsolationTests(HostileVariants variants) : IClassFixture<HostileVariants>
{
    public static TheoryData<SandboxKind, bool> LoadTimeCode()
    {
        var data = new TheoryData<SandboxKind, bool>();
        foreach (var kind in new[] { SandboxKind.Oci, SandboxKind.Bwrap, SandboxKind.None })
        {
            data.Add(kind, true);
            data.Add(kind, false);
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(LoadTimeCode))]
    public async Task Variants_with_load_time_code_are_refused_before_loading(SandboxKind kind, bool constructor)
    {
        if (!HostileVariants.Available(kind))
        {
            return;
        }
        var library = constructor ? variants.LoadTimeCode.Constructor : variants.LoadTimeCode.IFunc;
        var outcome = await variants.RunInAsync(WorkerImages.Native("x86_64"), library, kind, "k");
        Assert.Equal(ExitReason.Error, outcome.Run.Exit);
        Assert.Contains("the variant was refused", outcome.Run.Message);
        Assert.Contains(constructor ? "constructors" : "IFUNC", outcome.Run.Message);
        Assert.False(variants.LoadTimeCodeRan, "the variant's load-time code ran");
    }

    [Fact]
    public async Task The_plain_worker_sees_none_of_lavas_environment()
    {
        Environment.SetEnvironmentVariable("LAVA_TEST_SECRET", "do-not-leak");
        try
        {
            var outcome = await variants.RunAsync(SandboxKind.None, "count_env");
            Assert.Equal(ExitReason.Completed, outcome.Run.Exit);
            Assert.Equal(1, outcome.Result); // PATH only
            Assert.Equal(0, outcome.Errno);
        }
        finally
        {
            Environment.SetEnvironmentVariable("LAVA_TEST_SECRET", null);
        }
    }

    public static TheoryData<SandboxKind> AllKinds() => new() { SandboxKind.Oci, SandboxKind.Bwrap, SandboxKind.None };

    [Theory]
    [MemberData(nameof(AllKinds))]
    public async Task A_forged_success_report_is_refused(SandboxKind kind)
    {
        if (!HostileVariants.Available(kind))
        {
            return;
        }
        var outcome = await variants.RunAsync(kind, "forge_report");
        Assert.Equal(ExitReason.Error, outcome.Run.Exit);
        Assert.Contains("may have forged it", outcome.Run.Message);
        Assert.Contains("negative", outcome.Run.Message);
    }

    public static TheoryData<SandboxKind> Containers() => new() { SandboxKind.Oci, SandboxKind.Bwrap };

    [Theory]
    [MemberData(nameof(Containers))]
    public async Task The_opencl_container_hides_host_files_and_keeps_writes_in(SandboxKind kind)
    {
        if (!HostileVariants.Available(kind))
        {
            return;
        }
        var image = WorkerImages.OpenCl();
        var read = await variants.RunInAsync(image, variants.Library, kind, "read_passwd", workerSeccomp: false);
        Assert.Equal(ExitReason.Completed, read.Run.Exit);
        Assert.Equal(-1, read.Result); // only /etc/OpenCL/vendors of /etc is there
        string[] hostPaths = ["/lava-escape", "/usr/lava-escape", "/tmp/lava-escape"];
        var before = hostPaths.Where(File.Exists).ToArray();
        var write = await variants.RunInAsync(image, variants.Library, kind, "write_outside", workerSeccomp: false);
        Assert.Equal(ExitReason.Completed, write.Run.Exit);
        Assert.True(write.Result <= 1, $"{write.Result} files created outside the private /tmp");
        Assert.Equal(before, hostPaths.Where(File.Exists).ToArray());
        var network = await variants.RunInAsync(image, variants.Library, kind, "network", workerSeccomp: false);
        Assert.True(network.Result <= 0, "the OpenCL container reached the network");
    }
}
