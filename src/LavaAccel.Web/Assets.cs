using Microsoft.AspNetCore.Http;

namespace LavaAccel.Web;

/// <summary>The dashboard's stylesheet and script, embedded in the assembly (nothing to install, no build step).</summary>
internal static class Assets
{
    public static IResult Serve(string name)
    {
        var type = Path.GetExtension(name) switch { ".css" => "text/css; charset=utf-8", ".js" => "text/javascript; charset=utf-8", ".svg" => "image/svg+xml", _ => null };
        var stream = type is null ? null : typeof(Assets).Assembly.GetManifestResourceStream("assets/" + name);
        return stream is null ? Results.NotFound() : Results.Stream(stream, type);
    }
}
