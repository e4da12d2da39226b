using System.Collections.Concurrent;

namespace LavaAccel.Service.Storage;

/// <summary>
/// Uploaded packages: the bytes once per digest under <c>DATA/packages/</c> (written atomically),
/// who may use them in the database. A user sees only packages they uploaded, even when another
/// user uploaded the same bytes first.
/// </summary>
public sealed class PackageStore(ServiceDatabase database, string dataDirectory) : IPackageSource
{
    private readonly string _directory = LavaAccel.Host.PrivateFiles.Directory(Path.Combine(dataDirectory, "packages"));
    private readonly ConcurrentDictionary<string, Package> _loaded = new(StringComparer.Ordinal);

    /// <summary>Checks and stores a package for <paramref name="owner"/>; returns it and whether the bytes were already held.</summary>
    public (Package Package, bool Deduplicated) Store(byte[] bytes, string owner)
    {
        var package = Package.Parse(bytes, "upload");
        var path = PathOf(package.Digest);
        var existed = File.Exists(path);
        if (!existed)
        {
            var temp = $"{path}.tmp-{Environment.ProcessId}-{Guid.NewGuid():N}";
            using (var file = new FileStream(temp, new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite }))
            {
                file.Write(bytes);
                file.Flush(flushToDisk: true);
            }
            File.Move(temp, path, overwrite: true);
        }
        using var connection = database.Open();
        using var transaction = connection.BeginTransaction();
        ServiceDatabase.Execute(connection, "INSERT OR IGNORE INTO packages(digest, name, version, size, stored_ms) VALUES($d, $n, $v, $s, $t)",
            ("$d", package.Digest), ("$n", package.Manifest.Name), ("$v", package.Manifest.Version), ("$s", bytes.LongLength), ("$t", ServiceDatabase.NowMs()));
        ServiceDatabase.Execute(connection, "INSERT OR IGNORE INTO package_owners(digest, owner) VALUES($d, $o)", ("$d", package.Digest), ("$o", owner));
        transaction.Commit();
        return (package, existed);
    }

    /// <summary>Whether <paramref name="owner"/> may use the package.</summary>
    public bool Visible(string digest, string owner)
    {
        using var connection = database.Open();
        return ServiceDatabase.Scalar(connection, "SELECT 1 FROM package_owners WHERE digest = $d AND owner = $o", ("$d", digest), ("$o", owner)) is not null;
    }

    /// <summary>The stored file of a digest.</summary>
    public string PathOf(string digest)
    {
        return Path.Combine(_directory, Digest.Parse(digest, "a package digest").Hex + ".lava");
    }

    /// <summary>A stored package (checked when first read, then kept; at most a few hundred).</summary>
    public Package Load(string digest)
    {
        if (_loaded.TryGetValue(digest, out var package))
        {
            return package;
        }
        var path = PathOf(digest);
        if (!File.Exists(path))
        {
            throw new LavaException($"no package {digest} on this server (upload it first)");
        }
        package = Package.Load(path);
        if (_loaded.Count >= 256)
        {
            _loaded.Clear();
        }
        _loaded[digest] = package;
        return package;
    }

    /// <summary>Packages <paramref name="owner"/> uploaded (every package with a null owner), newest first.</summary>
    public IReadOnlyList<(string Digest, string Name, long Size, long StoredMs)> List(string? owner, int limit = 200)
    {
        using var connection = database.Open();
        using var command = ServiceDatabase.Command(connection, """
            SELECT p.digest, p.name, p.size, p.stored_ms FROM packages p
            WHERE $o IS NULL OR EXISTS (SELECT 1 FROM package_owners o WHERE o.digest = p.digest AND o.owner = $o)
            ORDER BY p.stored_ms DESC LIMIT $l
            """, ("$o", owner), ("$l", limit));
        using var reader = command.ExecuteReader();
        var list = new List<(string, string, long, long)>();
        while (reader.Read())
        {
            list.Add((reader.GetString(0), reader.GetString(1), reader.GetInt64(2), reader.GetInt64(3)));
        }
        return list;
    }
}
