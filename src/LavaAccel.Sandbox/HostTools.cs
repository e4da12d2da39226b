namespace LavaAccel.Sandbox;

/// <summary>The container tools this host has.</summary>
public static class HostTools
{
    private static readonly Lazy<string?> RuncPath = new(() => Find("runc"));
    private static readonly Lazy<string?> BwrapPath = new(() => Find("bwrap"));

    /// <summary>runc, or null.</summary>
    public static string? Runc => RuncPath.Value;

    /// <summary>bubblewrap, or null.</summary>
    public static string? Bwrap => BwrapPath.Value;

    private static readonly string[] Directories = ["/usr/sbin", "/usr/bin", "/sbin", "/bin", "/usr/local/sbin", "/usr/local/bin"];

    private static string? Find(string name) =>
        Directories
            .Select(d => Path.Combine(d, name))
            .FirstOrDefault(File.Exists);
}
