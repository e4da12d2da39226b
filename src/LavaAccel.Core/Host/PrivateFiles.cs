namespace LavaAccel.Host;

/// <summary>
/// Directories and files only their owner may read (mode 700 / 600): the service's database,
/// packages, tokens and keys. Other local users of the machine must not read another user's jobs.
/// </summary>
public static class PrivateFiles
{
    private const UnixFileMode OwnerOnlyDirectory = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
    private const UnixFileMode OwnerOnlyFile = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    /// <summary>Creates <paramref name="path"/> (and missing parents) mode 700, or narrows an existing one to 700; returns its full path.</summary>
    public static string Directory(string path)
    {
        var info = System.IO.Directory.CreateDirectory(path, OwnerOnlyDirectory);
        if ((info.UnixFileMode & ~OwnerOnlyDirectory) != 0)
        {
            info.UnixFileMode = OwnerOnlyDirectory;
        }
        return info.FullName;
    }

    /// <summary>Narrows <paramref name="path"/> to mode 600 when it exists.</summary>
    public static void Narrow(string path)
    {
        if (File.Exists(path) && (File.GetUnixFileMode(path) & ~OwnerOnlyFile) != 0)
        {
            File.SetUnixFileMode(path, OwnerOnlyFile);
        }
    }

    /// <summary>Creates an empty file mode 600 unless it exists (then narrows it).</summary>
    public static void Touch(string path)
    {
        try
        {
            using var _ = new FileStream(path, new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, UnixCreateMode = OwnerOnlyFile });
        }
        catch (IOException) when (File.Exists(path))
        {
            Narrow(path);
        }
    }

    /// <summary>Writes a secret file that is mode 600 from its creation (never readable by others, not even briefly), UTF-8 without a byte-order mark.</summary>
    public static void WriteSecret(string path, string text)
    {
        Narrow(path);
        var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write, UnixCreateMode = OwnerOnlyFile };
        using var writer = new StreamWriter(path, new System.Text.UTF8Encoding(encoderShouldEmitUTF8Identifier: false), options);
        writer.Write(text);
    }
}
