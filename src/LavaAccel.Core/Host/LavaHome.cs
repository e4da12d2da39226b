namespace LavaAccel.Host;

/// <summary><c>LAVA_HOME</c> (default <c>~/.lava</c>): the variant cache and local state.</summary>
public static class LavaHome
{
    /// <summary>The directory, from <c>LAVA_HOME</c> or <c>~/.lava</c>.</summary>
    public static string Path
    {
        get
        {
            var configured = Environment.GetEnvironmentVariable("LAVA_HOME");
            return string.IsNullOrEmpty(configured)
                ? System.IO.Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".lava")
                : configured;
        }
    }
}
