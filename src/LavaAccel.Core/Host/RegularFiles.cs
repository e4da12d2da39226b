using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace LavaAccel.Host;

/// <summary>
/// Reading and writing files lava is pointed at, safely: only regular files (a FIFO never blocks
/// lava, <c>/dev/zero</c> is not read until memory runs out, a device is never written), bounded
/// in size, and — for outputs and files a sandbox wrote — never through a symbolic link. Thin
/// libc calls (<c>open</c> with O_NOFOLLOW|O_NONBLOCK, <c>statx</c>) that .NET does not offer.
/// </summary>
public static unsafe partial class RegularFiles
{
    private const int ReadOnly = 0;
    private const int WriteOnly = 1;
    private const int Create = 0x40;
    private const int NonBlock = 0x800;
    private const int CloseOnExec = 0x80000;
    private const int EmptyPath = 0x1000; // AT_EMPTY_PATH
    private const uint StatxType = 0x1, StatxSize = 0x200;
    private const int TypeMask = 0xF000, RegularType = 0x8000, DirectoryType = 0x4000;

    // O_NOFOLLOW differs between the two architectures lava runs on.
    private static int NoFollow => RuntimeInformation.ProcessArchitecture == Architecture.Arm64 ? 0x8000 : 0x20000;

    [LibraryImport("libc", EntryPoint = "open", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Open(string path, int flags, int mode);

    [LibraryImport("libc", EntryPoint = "statx", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Statx(int fd, string path, int flags, uint mask, byte* buffer);

    [LibraryImport("libc", EntryPoint = "ftruncate", SetLastError = true)]
    private static partial int Truncate(int fd, long length);

    [LibraryImport("libc", EntryPoint = "fstatfs", SetLastError = true)]
    private static partial int StatFs(int fd, byte* buffer);

    // Kernel interfaces that look like regular files: writing one changes the machine (procfs,
    // sysfs, cgroup, debugfs, tracefs, securityfs, configfs, efivarfs, bpf, pstore).
    private static readonly long[] KernelFileSystems =
        [0x9fa0, 0x62656572, 0x27e0eb, 0x63677270, 0x64626720, 0x74726163, 0x73636673, 0x62656570, unchecked((long)0xde5e81e4u), unchecked((long)0xcafe4a11u), 0x6165676c];

    /// <summary>
    /// Reads <paramref name="path"/> (<paramref name="what"/> names it in errors): a regular file
    /// of at most <paramref name="maxBytes"/>. Links are followed (the caller's own paths) unless
    /// <paramref name="followLinks"/> is false.
    /// </summary>
    public static byte[] Read(string path, long maxBytes, string what, bool followLinks = true)
    {
        using var handle = OpenRegular(path, ReadOnly | (followLinks ? 0 : NoFollow), 0, what, out var size);
        if (size > maxBytes)
        {
            throw new LavaException($"{what} '{path}' holds {size} bytes, more than the {maxBytes} it may");
        }
        var bytes = new byte[size];
        var done = 0;
        while (done < bytes.Length)
        {
            var read = RandomAccess.Read(handle, bytes.AsSpan(done), done);
            if (read == 0)
            {
                throw new LavaException($"{what} '{path}' shrank while it was read");
            }
            done += read;
        }
        return bytes;
    }

    /// <summary>
    /// Reads exactly <paramref name="length"/> bytes of a file a sandboxed process wrote, without
    /// following a link it may have put there; a shorter file is an error.
    /// </summary>
    public static byte[] ReadExactly(string path, int length, string what)
    {
        using var handle = OpenRegular(path, ReadOnly | NoFollow, 0, what, out var size);
        if (size < length)
        {
            throw new LavaException($"{what} came back shorter than its {length} bytes (the kernel truncated it)");
        }
        var bytes = new byte[length];
        var done = 0;
        while (done < length)
        {
            var read = RandomAccess.Read(handle, bytes.AsSpan(done), done);
            if (read == 0)
            {
                throw new LavaException($"{what} came back shorter than its {length} bytes (the kernel truncated it)");
            }
            done += read;
        }
        return bytes;
    }

    /// <summary>
    /// Writes <paramref name="bytes"/> to <paramref name="path"/>: a new file or an existing regular
    /// one (replaced), never through a symbolic link and never into a device or FIFO.
    /// </summary>
    public static void Write(string path, ReadOnlySpan<byte> bytes, string what)
    {
        using var handle = OpenRegular(path, WriteOnly | Create | NoFollow, Convert.ToInt32("644", 8), what, out _);
        var fs = stackalloc byte[128];
        if (StatFs((int)handle.DangerousGetHandle(), fs) == 0 && KernelFileSystems.Contains(*(long*)fs))
        {
            throw new LavaException($"{what} '{path}' is a kernel interface (procfs, sysfs …), not a file: refused");
        }
        if (Truncate((int)handle.DangerousGetHandle(), 0) != 0)
        {
            throw new LavaException($"cannot write {what} '{path}': errno {Marshal.GetLastPInvokeError()}");
        }
        RandomAccess.Write(handle, bytes, 0);
    }

    private static SafeFileHandle OpenRegular(string path, int flags, int mode, string what, out long size)
    {
        var fd = Open(path, flags | NonBlock | CloseOnExec, mode);
        if (fd < 0)
        {
            var errno = Marshal.GetLastPInvokeError();
            throw new LavaException(errno switch
            {
                2 when (flags & Create) != 0 => $"{what} '{path}' cannot be created: its directory does not exist",
                2 => $"{what} '{path}' does not exist",
                13 => $"{what} '{path}' cannot be opened: permission denied",
                40 => $"{what} '{path}' is a symbolic link: refused",
                21 => $"{what} '{path}' is a directory",
                6 => $"{what} '{path}' is not a regular file (a device, FIFO or socket): refused",
                _ => $"{what} '{path}' cannot be opened (errno {errno})",
            });
        }
        var handle = new SafeFileHandle(fd, ownsHandle: true);
        var buffer = stackalloc byte[256];
        if (Statx(fd, "", EmptyPath, StatxType | StatxSize, buffer) != 0)
        {
            handle.Dispose();
            throw new LavaException($"{what} '{path}' cannot be examined (errno {Marshal.GetLastPInvokeError()})");
        }
        var fileMode = *(ushort*)(buffer + 28);
        if ((fileMode & TypeMask) != RegularType)
        {
            handle.Dispose();
            throw new LavaException((fileMode & TypeMask) == DirectoryType
                ? $"{what} '{path}' is a directory"
                : $"{what} '{path}' is not a regular file (a device, FIFO or socket): refused");
        }
        size = *(long*)(buffer + 40);
        return handle;
    }
}
