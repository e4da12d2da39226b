using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Data.Sqlite;

namespace LavaAccel.Service.Storage;

/// <summary>
/// Users and their bearer tokens. A token is 32 random bytes (base64url, prefixed <c>lava_</c>);
/// only its sha256 is stored, so the database does not give tokens away. Lookups are cached.
/// </summary>
public sealed class UserStore(ServiceDatabase database)
{
    private const string TokenPrefix = "lava_";
    private readonly ConcurrentDictionary<string, UserAccount> _byHash = new(StringComparer.Ordinal);

    /// <summary>Adds a user and returns their token (shown once).</summary>
    public string Add(UserAccount user)
    {
        if (string.IsNullOrWhiteSpace(user.Name) || user.Name.Length > 64 || !user.Name.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.'))
        {
            throw new LavaException($"'{user.Name}' is not a user name (letters, digits, - _ . and at most 64 characters)");
        }
        var token = TokenPrefix + Base64Url(RandomNumberGenerator.GetBytes(32));
        using var connection = database.Open();
        try
        {
            ServiceDatabase.Execute(connection,
                "INSERT INTO users(name, token_sha256, admin, created_ms, max_jobs, max_memory_bytes, max_device_seconds) VALUES($n, $t, $a, $c, $j, $m, $d)",
                ("$n", user.Name), ("$t", Hash(token)), ("$a", user.Admin ? 1 : 0), ("$c", ServiceDatabase.NowMs()),
                ("$j", user.MaxJobs), ("$m", user.MaxMemoryBytes), ("$d", user.MaxDeviceSeconds));
        }
        catch (SqliteException e) when (e.SqliteErrorCode == 19)
        {
            throw new LavaException($"user '{user.Name}' already exists");
        }
        return token;
    }

    /// <summary>Whether any user exists yet.</summary>
    public bool Any()
    {
        using var connection = database.Open();
        return Convert.ToInt64(ServiceDatabase.Scalar(connection, "SELECT COUNT(*) FROM users"), System.Globalization.CultureInfo.InvariantCulture) > 0;
    }

    /// <summary>The user a token belongs to, or null.</summary>
    public UserAccount? Authenticate(string token)
    {
        if (!token.StartsWith(TokenPrefix, StringComparison.Ordinal) || token.Length > 128)
        {
            return null;
        }
        var hash = Hash(token);
        if (_byHash.TryGetValue(hash, out var known))
        {
            return known;
        }
        // Unknown tokens are not cached: guessing must not grow memory.
        var found = Lookup(hash);
        if (found is not null)
        {
            _byHash[hash] = found;
        }
        return found;
    }

    private UserAccount? Lookup(string hash)
    {
        {
            using var connection = database.Open();
            using var command = ServiceDatabase.Command(connection,
                "SELECT name, admin, max_jobs, max_memory_bytes, max_device_seconds FROM users WHERE token_sha256 = $t", ("$t", hash));
            using var reader = command.ExecuteReader();
            return reader.Read()
                ? new UserAccount(reader.GetString(0), reader.GetInt64(1) != 0,
                    reader.IsDBNull(2) ? null : reader.GetInt64(2), reader.IsDBNull(3) ? null : reader.GetInt64(3), reader.IsDBNull(4) ? null : reader.GetDouble(4))
                : null;
        }
    }

    private static string Hash(string token) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(token)));

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
