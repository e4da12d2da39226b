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

    /// <summary>Every user with their jobs queued or running now and the device time they used, by name.</summary>
    public IReadOnlyList<UserSummary> List()
    {
        using var connection = database.Open();
        using var command = ServiceDatabase.Command(connection, """
            SELECT u.name, u.admin, u.max_jobs, u.max_memory_bytes, u.max_device_seconds,
                   (SELECT COUNT(*) FROM jobs WHERE owner = u.name AND state IN ('queued', 'running')),
                   (SELECT IFNULL(SUM(device_ms), 0) FROM jobs WHERE owner = u.name) / 1000.0
            FROM users u ORDER BY u.name
            """);
        using var reader = command.ExecuteReader();
        var users = new List<UserSummary>();
        while (reader.Read())
        {
            users.Add(new UserSummary(Account(reader), reader.GetInt64(5), reader.GetDouble(6)));
        }
        return users;
    }

    /// <summary>One user, or null.</summary>
    public UserSummary? Get(string name) => List().FirstOrDefault(u => u.Account.Name == name);

    /// <summary>Removes a user; their token is refused from now on. False when there is no such user.</summary>
    public bool Remove(string name)
    {
        using var connection = database.Open();
        var removed = ServiceDatabase.Execute(connection, "DELETE FROM users WHERE name = $n", ("$n", name)) == 1;
        Forget(name);
        return removed;
    }

    /// <summary>
    /// Changes a user's quotas: a value sets one, <c>clear</c> removes it, neither leaves it.
    /// Returns the account as it is now, or null when there is no such user.
    /// </summary>
    public UserAccount? SetQuota(string name, (long? Value, bool Clear) maxJobs, (long? Value, bool Clear) maxMemory, (double? Value, bool Clear) maxDeviceSeconds)
    {
        using var connection = database.Open();
        ServiceDatabase.Execute(connection, """
            UPDATE users SET
              max_jobs = CASE WHEN $cj THEN NULL WHEN $j IS NOT NULL THEN $j ELSE max_jobs END,
              max_memory_bytes = CASE WHEN $cm THEN NULL WHEN $m IS NOT NULL THEN $m ELSE max_memory_bytes END,
              max_device_seconds = CASE WHEN $cd THEN NULL WHEN $d IS NOT NULL THEN $d ELSE max_device_seconds END
            WHERE name = $n
            """, ("$n", name), ("$j", maxJobs.Value), ("$cj", maxJobs.Clear), ("$m", maxMemory.Value), ("$cm", maxMemory.Clear),
            ("$d", maxDeviceSeconds.Value), ("$cd", maxDeviceSeconds.Clear));
        Forget(name);
        return Get(name)?.Account;
    }

    /// <summary>Gives a user a new token (returned, shown once); the old one is refused from now on. Null when there is no such user.</summary>
    public string? RotateToken(string name)
    {
        var token = TokenPrefix + Base64Url(RandomNumberGenerator.GetBytes(32));
        using var connection = database.Open();
        var changed = ServiceDatabase.Execute(connection, "UPDATE users SET token_sha256 = $t WHERE name = $n", ("$t", Hash(token)), ("$n", name)) == 1;
        Forget(name);
        return changed ? token : null;
    }

    // Cached lookups of a user whose row changed go; the next request reads the row again.
    private void Forget(string name)
    {
        foreach (var (hash, account) in _byHash)
        {
            if (account.Name == name)
            {
                _byHash.TryRemove(hash, out _);
            }
        }
    }

    private static UserAccount Account(SqliteDataReader reader) =>
        new(reader.GetString(0), reader.GetInt64(1) != 0,
            reader.IsDBNull(2) ? null : reader.GetInt64(2), reader.IsDBNull(3) ? null : reader.GetInt64(3), reader.IsDBNull(4) ? null : reader.GetDouble(4));

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
        return ByTokenHash(Hash(token));
    }

    /// <summary>The sha256 a token is stored (and a dashboard session is tied) by.</summary>
    public static string TokenHash(string token) => Hash(token);

    /// <summary>The user whose token has this sha256, or null (a rotated or removed token: null at once).</summary>
    public UserAccount? ByTokenHash(string hash)
    {
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
            return reader.Read() ? Account(reader) : null;
        }
    }

    private static string Hash(string token) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(token)));

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
