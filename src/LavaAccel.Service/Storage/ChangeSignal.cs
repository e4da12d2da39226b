namespace LavaAccel.Service.Storage;

/// <summary>Wakes everyone waiting for "something changed" (job states, devices) at once.</summary>
public sealed class ChangeSignal
{
    private TaskCompletionSource _next = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Completes when <see cref="Pulse"/> is next called.</summary>
    public Task Next => Volatile.Read(ref _next).Task;

    /// <summary>Wakes the current waiters.</summary>
    public void Pulse() => Interlocked.Exchange(ref _next, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();

    /// <summary>Waits for the next pulse, at most <paramref name="timeout"/>.</summary>
    public async Task WaitAsync(TimeSpan timeout, CancellationToken cancellation)
    {
        var next = Next;
        await Task.WhenAny(next, Task.Delay(timeout, cancellation)).ConfigureAwait(false);
        cancellation.ThrowIfCancellationRequested();
    }
}
