namespace LavaAccel.Service.Storage;

/// <summary>A submit that would exceed one of <paramref name="user"/>'s quotas.</summary>
public sealed class QuotaExceededException(string user, string message) : LavaException(message)
{
    /// <summary>Whose quota.</summary>
    public string User { get; } = user;
}
