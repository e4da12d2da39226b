using System.Diagnostics;
using LavaAccel.Sandbox.Cgroups;

namespace LavaAccel.Sandbox;

/// <summary>
/// A started, locked-down sandbox whose worker waits on stdin for exactly one job. It is used once
/// and then disposed (never reused across jobs).
/// </summary>
public abstract class WorkerSlot : IAsyncDisposable
{
    private int _used;

    /// <summary>Creates a slot around the started <paramref name="process"/> (its stdin and stdout are the worker's).</summary>
    private protected WorkerSlot(SandboxKind kind, string id, WorkerImage image, SandboxLimits limits, string hostJobDirectory, Process process)
    {
        Kind = kind;
        Id = id;
        Image = image;
        Limits = limits;
        HostJobDirectory = hostJobDirectory;
        Process = process;
        Stderr = BoundedText.ReadAsync(process.StandardError, StderrLimit);
    }

    /// <summary>What is kept of a worker's stderr (the kernel's printf output).</summary>
    public const int StderrLimit = 1 << 20;

    /// <summary>The isolation this slot gives.</summary>
    public SandboxKind Kind { get; }

    /// <summary>Unique name (also the container id for oci).</summary>
    public string Id { get; }

    /// <summary>What the sandbox holds and which worker it runs.</summary>
    public WorkerImage Image { get; }

    /// <summary>The limits it was created with.</summary>
    public SandboxLimits Limits { get; }

    /// <summary>The job directory as the host sees it: the job's files go here.</summary>
    public string HostJobDirectory { get; }

    /// <summary>The job directory as the worker sees it.</summary>
    public abstract string JobDirectoryInside { get; }

    /// <summary>Milliseconds from asking for the slot to its worker reporting ready.</summary>
    public double StartMs { get; internal set; }

    /// <summary>Whether a job was dispatched to it (a slot takes one job).</summary>
    public bool Used => Volatile.Read(ref _used) != 0;

    internal Process Process { get; }

    internal Task<string> Stderr { get; }

    /// <summary>Makes (a copy of) the variant at <paramref name="hostPath"/> visible to the worker; returns its path inside.</summary>
    public abstract string PlaceVariant(string hostPath);

    /// <summary>Copies a variant into <paramref name="directory"/> as <c>variant</c> plus its extension; returns the file name.</summary>
    private protected static string CopyVariant(string hostPath, string directory)
    {
        var name = "variant" + Path.GetExtension(hostPath);
        File.Copy(hostPath, Path.Combine(directory, name), overwrite: true);
        return name;
    }

    /// <summary>Makes a file written into the job directory readable and writable by the worker.</summary>
    public virtual void Adopt(string hostPath)
    {
    }

    /// <summary>Kills the worker (and everything in its sandbox).</summary>
    public abstract void Kill();

    /// <summary>What the cgroup measured, where the sandbox has one.</summary>
    public virtual CgroupUsage? CgroupUsage() => null;

    /// <summary>The exit status of the process lava waits on, where it is the worker's own (not oci).</summary>
    public virtual int? ExitCode() => null;

    /// <summary>Removes the sandbox and its directories, then tells its pool (which refills behind it).</summary>
    public async ValueTask DisposeAsync()
    {
        try
        {
            await DestroyAsync().ConfigureAwait(false);
        }
        finally
        {
            // The pool refills behind it even when removal failed, or its shelf would stay a slot short.
            Interlocked.Exchange(ref _released, null)?.Invoke();
            GC.SuppressFinalize(this);
        }
    }

    /// <summary>Removes the sandbox and its directories.</summary>
    private protected abstract ValueTask DestroyAsync();

    private Action? _released;

    /// <summary>Called once when the slot is disposed.</summary>
    internal void OnReleased(Action action) => _released = action;

    internal void MarkUsed()
    {
        if (Interlocked.Exchange(ref _used, 1) != 0)
        {
            throw new InvalidOperationException($"sandbox {Id} already ran a job");
        }
    }

    /// <summary>
    /// Waits for the worker's "ready" line (a sandbox that fails to start is removed and throws with
    /// its error), then records the start time, measured by <paramref name="clock"/> from the request.
    /// </summary>
    internal async Task<WorkerSlot> BecomeReadyAsync(System.Diagnostics.Stopwatch clock, TimeSpan timeout)
    {
        try
        {
            await WaitReadyAsync(timeout).ConfigureAwait(false);
            OnReady();
        }
        catch
        {
            await DisposeAsync().ConfigureAwait(false);
            throw;
        }
        StartMs = clock.Elapsed.TotalMilliseconds;
        return this;
    }

    /// <summary>Called once the worker is ready (before any job).</summary>
    private protected virtual void OnReady()
    {
    }

    private async Task WaitReadyAsync(TimeSpan timeout)
    {
        var what = Kind.Name();
        string? line;
        try
        {
            line = await Process.StandardOutput.ReadLineAsync().WaitAsync(timeout).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            Kill();
            throw new LavaException($"the {what} sandbox did not start within {timeout.TotalSeconds:0} s");
        }
        if (line != "ready")
        {
            Kill();
            string error;
            try
            {
                error = await Stderr.WaitAsync(TimeSpan.FromSeconds(5)).ConfigureAwait(false);
            }
            catch (TimeoutException)
            {
                error = "";
            }
            throw new LavaException($"the {what} sandbox failed to start: {StartError(error, line)}");
        }
    }

    private static string StartError(string stderr, string? stdout)
    {
        var lines = stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        // runc logs `time="…" level=error msg="…"`: the message is what matters.
        var message = lines.Select(l => l.Contains("msg=\"", StringComparison.Ordinal) ? l[(l.IndexOf("msg=\"", StringComparison.Ordinal) + 5)..].TrimEnd('"') : l)
            .LastOrDefault(l => l.Length > 0);
        return message ?? stdout ?? "no output";
    }

    /// <summary>Deletes a directory tree, ignoring what is already gone.</summary>
    private protected static void RemoveDirectory(string path)
    {
        try
        {
            Directory.Delete(path, recursive: true);
        }
        catch (DirectoryNotFoundException)
        {
        }
    }
}
