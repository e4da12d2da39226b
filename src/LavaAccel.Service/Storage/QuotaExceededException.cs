namespace LavaAccel.Service.Storage;

/// <summary>A submit that would exceed one of the user's quotas.</summary>
public sealed class QuotaExceededException(string message) : LavaException(message);
