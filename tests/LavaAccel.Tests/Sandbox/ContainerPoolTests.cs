using LavaAccel.Sandbox;

namespace LavaAccel.Tests.Sandbox;

/// <summary>The pool: slots are ready ahead of their job, used once, refilled, and cleaned up.</summary>
[Collection("sandbox")]
public sealed class ContainerPoolTests(HostileVariants variants) : IClassFixture<HostileVariants>
{
    public static TheoryData<SandboxKind> AllKinds() => new() { SandboxKind.Oci, SandboxKind.Bwrap, SandboxKind.None };

    private static readonly WorkerImage Native = WorkerImages.Native("x86_64");

    [Theory]
    [MemberData(nameof(AllKinds))]
    public async Task Pooled_slots_are_ready_used_once_and_refilled(SandboxKind kind)
    {
        if (!HostileVariants.Available(kind))
        {
            return;
        }
        var state = variants.Deployment.State;
        var pool = new ContainerPool(SandboxDrivers.Create(kind, state), size: 2);
        await using (pool)
        {
            await pool.WaitWarmAsync(Native, SandboxLimits.None, TimeSpan.FromSeconds(30));
            Assert.Equal(2, pool.Ready(Native, SandboxLimits.None));

            // Taking a ready slot starts no sandbox: it is counted as a warm take (how fast that is, is the dispatch benchmark's).
            var slot = await pool.TakeAsync(Native, SandboxLimits.None);
            Assert.Equal((1, 0), pool.Taken);
            await using (slot)
            {
                Assert.False(slot.Used);
                var variant = slot.PlaceVariant(variants.Library);
                var output = Path.Combine(slot.HostJobDirectory, "out.bin");
                await File.WriteAllBytesAsync(output, new byte[16]);
                slot.Adopt(output);
                await File.WriteAllTextAsync(Path.Combine(slot.HostJobDirectory, "job.txt"), $"kernel good\nrange 1 1 1 1 1 1 1\nthreads 1\nbuffer 16 rw {slot.JobDirectoryInside}/out.bin\n");
                var run = await JobDispatch.RunAsync(slot, variant, slot.JobDirectoryInside + "/job.txt", null);
                Assert.Equal(ExitReason.Completed, run.Exit);
                Assert.Equal(42, BitConverter.ToInt64(await File.ReadAllBytesAsync(output)));
                Assert.True(run.DispatchMs is >= 0, "a completed job reports its dispatch"); // the figure is the dispatch benchmark's
                Assert.True(slot.Used);
                await Assert.ThrowsAsync<InvalidOperationException>(() => JobDispatch.RunAsync(slot, variant, slot.JobDirectoryInside + "/job.txt", null));
            }
            await pool.WaitWarmAsync(Native, SandboxLimits.None, TimeSpan.FromSeconds(30));
            Assert.Equal(2, pool.Ready(Native, SandboxLimits.None));

            // Different limits are a different shelf: the first one is cold.
            var limited = new SandboxLimits(MemoryBytes: 256L << 20);
            await using (await pool.TakeAsync(Native, limited))
            {
                Assert.Equal((1, 1), pool.Taken);
            }
            await pool.WaitWarmAsync(Native, limited, TimeSpan.FromSeconds(30));
        }
        // Disposing the pool destroys its ready slots: no job directories, no containers left.
        Assert.Empty(Directory.EnumerateFileSystemEntries(state.Jobs));
        if (kind == SandboxKind.Oci)
        {
            Assert.Empty(Directory.EnumerateFileSystemEntries(state.RuncRoot));
        }
    }
}
