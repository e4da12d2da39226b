namespace LavaAccel.Service.Storage;

/// <summary>A user of the service and their quotas (null: unlimited).</summary>
/// <param name="Name">User name.</param>
/// <param name="Admin">May see every user's usage and manage users.</param>
/// <param name="MaxJobs">Jobs queued or running at once.</param>
/// <param name="MaxMemoryBytes">Largest memory limit a job may ask for (and the default limit).</param>
/// <param name="MaxDeviceSeconds">Device time all the user's jobs together may use.</param>
public sealed record UserAccount(string Name, bool Admin, long? MaxJobs = null, long? MaxMemoryBytes = null, double? MaxDeviceSeconds = null)
{
    /// <summary>Refuses quotas that make no sense (the admin API and the dashboard both check with this).</summary>
    public static void CheckQuotas(long? maxJobs, long? maxMemoryBytes, double? maxDeviceSeconds)
    {
        if (maxJobs is < 1)
        {
            throw new Api.BadRequestException("max_jobs", $"max jobs {maxJobs} must be at least 1");
        }
        if (maxMemoryBytes is < 1 << 20)
        {
            throw new Api.BadRequestException("max_memory_bytes", $"max memory {maxMemoryBytes} bytes must be at least 1 MiB");
        }
        if (maxDeviceSeconds is { } s && !(s > 0))
        {
            throw new Api.BadRequestException("max_device_seconds", $"max device seconds {s} must be more than 0");
        }
    }
}

/// <summary>A user with what they use now.</summary>
/// <param name="Account">The account and its quotas.</param>
/// <param name="ActiveJobs">Jobs queued or running.</param>
/// <param name="DeviceSecondsUsed">Device time of all their jobs so far.</param>
public sealed record UserSummary(UserAccount Account, long ActiveJobs, double DeviceSecondsUsed);
