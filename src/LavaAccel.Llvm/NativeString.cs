using System.Runtime.InteropServices;

namespace LavaAccel.Llvm;

/// <summary>Reads strings that LLVM returns, and frees those LLVM hands over.</summary>
internal static class NativeString
{
    /// <summary>Copies a string LLVM owns (not freed).</summary>
    internal static string Borrowed(nint text, nuint length) =>
        text == 0 ? "" : Marshal.PtrToStringUTF8(text, checked((int)length));

    /// <summary>Copies and frees a message allocated with LLVM's malloc.</summary>
    internal static string TakeMessage(nint message)
    {
        if (message == 0)
        {
            return "";
        }
        var text = Marshal.PtrToStringUTF8(message) ?? "";
        Native.LLVMDisposeMessage(message);
        return text;
    }

    /// <summary>Throws <see cref="LlvmException"/> if an LLVMErrorRef is set.</summary>
    internal static void ThrowIfError(nint error, string what)
    {
        if (error == 0)
        {
            return;
        }
        var message = Native.LLVMGetErrorMessage(error);
        var text = Marshal.PtrToStringUTF8(message) ?? "";
        Native.LLVMDisposeErrorMessage(message);
        throw new LlvmException($"{what}: {text}");
    }
}
