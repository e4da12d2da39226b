using System.Text.Json;
using LavaAccel.Sandbox.Drivers;

namespace LavaAccel.Sandbox;

/// <summary>
/// Removes what a lava process that died (killed, Ctrl-C) left behind: its containers — a detached
/// worker may still be running a kernel — and their job, variant and bundle directories. A sandbox
/// belongs to the process whose pid its id carries; only those of processes that are gone are
/// touched.
/// </summary>
public static class SandboxJanitor
{
    /// <summary>Sweeps <paramref name="state"/>; returns how many sandboxes were removed.</summary>
    public static async Task<int> SweepAsync(SandboxState state)
    {
        var removed = new HashSet<string>(StringComparer.Ordinal);
        if (HostTools.Runc is { } runc && Environment.IsPrivilegedProcess && Directory.EnumerateFileSystemEntries(state.RuncRoot).Any())
        {
            string listing;
            try
            {
                listing = await ListAsync(runc, state.RuncRoot).ConfigureAwait(false);
            }
            catch (LavaException)
            {
                listing = "[]";
            }
            using var json = JsonDocument.Parse(string.IsNullOrWhiteSpace(listing) || listing.Trim() == "null" ? "[]" : listing);
            foreach (var container in json.RootElement.EnumerateArray())
            {
                var id = container.GetProperty("id").GetString() ?? "";
                if (Orphaned(id))
                {
                    await SandboxProcess.RunAsync(runc, "--root", state.RuncRoot, "delete", "--force", id).ConfigureAwait(false);
                    removed.Add(id);
                }
            }
        }
        foreach (var directory in new[] { state.Jobs, state.Variants, state.Bundles })
        {
            foreach (var entry in Directory.EnumerateDirectories(directory))
            {
                var id = Path.GetFileName(entry);
                if (Orphaned(id))
                {
                    try
                    {
                        Directory.Delete(entry, recursive: true);
                        removed.Add(id);
                    }
                    catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                    {
                        // Left for the next sweep.
                    }
                }
            }
        }
        return removed.Count;
    }

    private static async Task<string> ListAsync(string runc, string root)
    {
        var start = SandboxProcess.StartInfo(runc, ["--root", root, "list", "--format", "json"]);
        start.RedirectStandardInput = false;
        using var process = SandboxProcess.Start(start, "runc list");
        var output = await process.StandardOutput.ReadToEndAsync().ConfigureAwait(false);
        await process.WaitForExitAsync().ConfigureAwait(false);
        return process.ExitCode == 0 ? output : throw new LavaException("runc list failed");
    }

    private static bool Orphaned(string id) =>
        SandboxState.OwnerOf(id) is { } pid && pid != Environment.ProcessId && !Alive(pid);

    private static bool Alive(int pid) => Directory.Exists($"/proc/{pid}");
}
