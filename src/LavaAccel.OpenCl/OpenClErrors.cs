using Silk.NET.OpenCL;

namespace LavaAccel.OpenCl;

/// <summary>OpenCL status codes as errors.</summary>
internal static class OpenClErrors
{
    public static void Check(int code, string call)
    {
        if (code != (int)ErrorCodes.Success)
        {
            throw new LavaException($"{call} failed: {Name(code)}");
        }
    }

    public static string Name(int code) => Enum.IsDefined(typeof(ErrorCodes), code) ? ((ErrorCodes)code).ToString() : $"error {code}";
}
