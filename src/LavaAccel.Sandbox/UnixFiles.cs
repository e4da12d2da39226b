using System.Runtime.InteropServices;

namespace LavaAccel.Sandbox;

/// <summary>File ownership for the containers' unprivileged user, and opening files a sandbox wrote (libc, which .NET does not wrap).</summary>
public static partial class UnixFiles
{
    /// <summary>The unprivileged uid and gid a container's worker runs as (nobody/nogroup).</summary>
    public const int Nobody = 65534;

    [LibraryImport("libc", EntryPoint = "chown", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int ChownNative(string path, int uid, int gid);

    [LibraryImport("libc", EntryPoint = "open", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int OpenNative(string path, int flags);

    private const int ReadOnlyNonBlockingCloseOnExec = 0x800 | 0x80000; // O_RDONLY | O_NONBLOCK | O_CLOEXEC

    // O_NOFOLLOW differs between the two architectures lava runs on.
    private static int NoFollow => RuntimeInformation.ProcessArchitecture == Architecture.Arm64 ? 0x8000 : 0x20000;

    /// <summary>
    /// Reads exactly <paramref name="length"/> bytes of a file a sandboxed process wrote, without
    /// following a symbolic link it may have put there and without blocking on a FIFO.
    /// </summary>
    public static byte[] ReadWrittenFile(string path, int length)
    {
        var fd = OpenNative(path, ReadOnlyNonBlockingCloseOnExec | NoFollow);
        if (fd < 0)
        {
            var errno = Marshal.GetLastPInvokeError();
            throw new LavaException(errno == 40 ? $"a result file was replaced by a symbolic link ({Path.GetFileName(path)}): refused" : $"cannot read result file {Path.GetFileName(path)}: errno {errno}");
        }
        using var handle = new Microsoft.Win32.SafeHandles.SafeFileHandle(fd, ownsHandle: true);
        using var stream = new FileStream(handle, FileAccess.Read, 1);
        var bytes = new byte[length];
        var done = 0;
        try
        {
            while (done < length)
            {
                var read = stream.Read(bytes, done, length - done);
                if (read == 0)
                {
                    break;
                }
                done += read;
            }
        }
        catch (IOException e)
        {
            throw new LavaException($"result file {Path.GetFileName(path)} is not a plain file ({e.Message.TrimEnd('.')})", e);
        }
        return done == length ? bytes : throw new LavaException($"a result buffer came back shorter than its {length} bytes (the kernel truncated it)");
    }

    /// <summary>Gives <paramref name="path"/> to <see cref="Nobody"/>.</summary>
    public static void GiveToNobody(string path)
    {
        if (ChownNative(path, Nobody, Nobody) != 0)
        {
            throw new LavaException($"cannot hand {path} to the sandbox user: errno {Marshal.GetLastPInvokeError()}");
        }
    }
}
