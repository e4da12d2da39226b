namespace LavaAccel;

/// <summary>
/// A problem a user can act on: bad input, a failed compile, a crashed kernel. The CLI prints its
/// message as one <c>error: …</c> line; anything else that escapes is a bug.
/// </summary>
public class LavaException : Exception
{
    /// <summary>Creates an error whose message names what is at fault.</summary>
    public LavaException(string message) : base(message) { }

    /// <summary>Creates an error that wraps the exception that revealed it.</summary>
    public LavaException(string message, Exception inner) : base(message, inner) { }

    /// <summary>Creates an error with no message (required by the exception pattern).</summary>
    public LavaException() { }
}
