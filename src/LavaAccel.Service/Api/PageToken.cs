using System.Globalization;
using System.Text;

namespace LavaAccel.Service.Api;

/// <summary>Opaque page tokens (the Google API design guide's <c>page_token</c>): a cursor into the newest-first job order.</summary>
public static class PageToken
{
    private const string Prefix = "jobs-before:";

    /// <summary>The token for the page after <paramref name="cursor"/>.</summary>
    public static string Write(long cursor) => Convert.ToBase64String(Encoding.ASCII.GetBytes(Prefix + cursor.ToString(CultureInfo.InvariantCulture))).TrimEnd('=');

    /// <summary>The cursor of a token, or null when it is not one.</summary>
    public static long? Read(string token)
    {
        try
        {
            var padded = token + new string('=', (4 - token.Length % 4) % 4);
            var text = Encoding.ASCII.GetString(Convert.FromBase64String(padded));
            return text.StartsWith(Prefix, StringComparison.Ordinal) && long.TryParse(text[Prefix.Length..], NumberStyles.None, CultureInfo.InvariantCulture, out var cursor) ? cursor : null;
        }
        catch (FormatException)
        {
            return null;
        }
    }
}
