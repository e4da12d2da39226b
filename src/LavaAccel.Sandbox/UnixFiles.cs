using System.Runtime.InteropServices;

namespace LavaAccel.Sandbox;

/// <summary>File ownership for the containers' unprivileged user (libc, which .NET does not wrap).</summary>
public static partial class UnixFiles
{
    /// <summary>The unprivileged uid and gid a container's worker runs as (nobody/nogroup).</summary>
    public const int Nobody = 65534;

    [LibraryImport("libc", EntryPoint = "chown", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int ChownNative(string path, int uid, int gid);

    /// <summary>Gives <paramref name="path"/> to <see cref="Nobody"/>.</summary>
    public static void GiveToNobody(string path)
    {
        if (ChownNative(path, Nobody, Nobody) != 0)
        {
            throw new LavaException($"cannot hand {path} to the sandbox user: errno {Marshal.GetLastPInvokeError()}");
        }
    }
}
