namespace LavaAccel.Llvm;

/// <summary>An error reported by LLVM, carrying LLVM's own message.</summary>
public sealed class LlvmException : Exception
{
    /// <summary>Creates the exception with LLVM's message.</summary>
    public LlvmException(string message) : base(message) { }

    /// <summary>Creates the exception with a message and cause.</summary>
    public LlvmException(string message, Exception inner) : base(message, inner) { }

    /// <summary>Creates the exception with no message.</summary>
    public LlvmException() { }
}
