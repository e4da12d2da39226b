using Microsoft.Data.Sqlite;

namespace LavaAccel.Service.Storage;

/// <summary>
/// The controller's SQLite database (<c>DATA/lava.db</c>) in WAL mode: users, packages, jobs and
/// their outputs. Every state change is one transaction, so a <c>kill -9</c> at any point leaves
/// either the old state or the new one. <c>synchronous=NORMAL</c>: safe against a crashed
/// process; a power cut may lose the last transactions.
/// </summary>
public sealed class ServiceDatabase
{
    private const int SchemaVersion = 5;

    private readonly string _connectionString;

    /// <summary>Opens (creating when missing) the database under <paramref name="dataDirectory"/>.</summary>
    public ServiceDatabase(string dataDirectory)
    {
        // Jobs, outputs and users: for the service's own user only (700 / 600, also the WAL files,
        // which SQLite creates with the database file's mode).
        LavaAccel.Host.PrivateFiles.Directory(dataDirectory);
        Path = System.IO.Path.Combine(dataDirectory, "lava.db");
        LavaAccel.Host.PrivateFiles.Touch(Path);
        LavaAccel.Host.PrivateFiles.Narrow(Path + "-wal");
        LavaAccel.Host.PrivateFiles.Narrow(Path + "-shm");
        _connectionString = new SqliteConnectionStringBuilder { DataSource = Path, Pooling = true, DefaultTimeout = 30 }.ToString();
        using var connection = Open();
        Execute(connection, "PRAGMA journal_mode=WAL;");
        var version = Convert.ToInt32(Scalar(connection, "PRAGMA user_version;"), System.Globalization.CultureInfo.InvariantCulture);
        if (version > SchemaVersion)
        {
            throw new LavaException($"{Path} was written by a newer lava (schema {version}; this one knows {SchemaVersion})");
        }
        Execute(connection, """
            CREATE TABLE IF NOT EXISTS users(
                name TEXT PRIMARY KEY,
                token_sha256 TEXT NOT NULL UNIQUE,
                admin INTEGER NOT NULL,
                created_ms INTEGER NOT NULL,
                max_jobs INTEGER,
                max_memory_bytes INTEGER,
                max_device_seconds REAL);
            CREATE TABLE IF NOT EXISTS packages(
                digest TEXT PRIMARY KEY,
                name TEXT NOT NULL,
                version TEXT NOT NULL,
                size INTEGER NOT NULL,
                stored_ms INTEGER NOT NULL);
            CREATE TABLE IF NOT EXISTS package_owners(
                digest TEXT NOT NULL,
                owner TEXT NOT NULL,
                PRIMARY KEY(digest, owner));
            CREATE TABLE IF NOT EXISTS jobs(
                id TEXT PRIMARY KEY,
                seq INTEGER NOT NULL,
                owner TEXT NOT NULL,
                package_digest TEXT NOT NULL,
                kernel TEXT NOT NULL,
                requested_target TEXT NOT NULL DEFAULT '',
                code_kind TEXT NOT NULL DEFAULT 'lava-ir',
                request BLOB NOT NULL,
                state TEXT NOT NULL,
                target TEXT NOT NULL DEFAULT '',
                node TEXT NOT NULL DEFAULT '',
                error TEXT NOT NULL DEFAULT '',
                kernel_ms REAL NOT NULL DEFAULT 0,
                cache_hit INTEGER NOT NULL DEFAULT 0,
                memory_limit INTEGER NOT NULL DEFAULT 0,
                created_ms INTEGER NOT NULL,
                started_ms INTEGER NOT NULL DEFAULT 0,
                finished_ms INTEGER NOT NULL DEFAULT 0,
                attempts INTEGER NOT NULL DEFAULT 0,
                node_losses INTEGER NOT NULL DEFAULT 0,
                granted_seconds REAL NOT NULL DEFAULT 0,
                cancel_requested INTEGER NOT NULL DEFAULT 0,
                wall_ms REAL NOT NULL DEFAULT 0,
                cpu_ms REAL NOT NULL DEFAULT 0,
                device_ms REAL NOT NULL DEFAULT 0,
                peak_bytes INTEGER NOT NULL DEFAULT 0);
            CREATE INDEX IF NOT EXISTS jobs_by_state ON jobs(state, seq);
            CREATE INDEX IF NOT EXISTS jobs_by_owner ON jobs(owner, seq);
            CREATE TABLE IF NOT EXISTS nodes(
                name TEXT PRIMARY KEY,
                devices BLOB NOT NULL,
                targets TEXT NOT NULL,
                registered_ms INTEGER NOT NULL,
                heartbeat_ms INTEGER NOT NULL,
                alive INTEGER NOT NULL,
                running_jobs INTEGER NOT NULL DEFAULT 0,
                free_memory INTEGER NOT NULL DEFAULT 0);
            CREATE TABLE IF NOT EXISTS drained_nodes(
                name TEXT PRIMARY KEY,
                since_ms INTEGER NOT NULL);
            CREATE TABLE IF NOT EXISTS outputs(
                job_id TEXT NOT NULL,
                name TEXT NOT NULL,
                npy BLOB NOT NULL,
                PRIMARY KEY(job_id, name));
            """);
        // Version 1 databases lack the columns claims filter on; version 2 the count of nodes lost
        // under a job; version 3 what placement by the controller keeps (the job's demand, where it
        // was placed and why it waits; a node's workers); version 4 drained nodes (a table of its own).
        AddMissingColumns(connection, "jobs", [
            ("requested_target", "TEXT NOT NULL DEFAULT ''"), ("code_kind", "TEXT NOT NULL DEFAULT 'lava-ir'"),
            ("node_losses", "INTEGER NOT NULL DEFAULT 0"), ("granted_seconds", "REAL NOT NULL DEFAULT 0"),
            ("require_kind", "TEXT NOT NULL DEFAULT ''"), ("queue_unplaceable", "INTEGER NOT NULL DEFAULT 0"),
            ("work_key", "TEXT NOT NULL DEFAULT ''"), ("work_flops", "REAL NOT NULL DEFAULT 0"), ("work_bytes", "REAL NOT NULL DEFAULT 0"),
            ("work_items", "INTEGER NOT NULL DEFAULT 0"), ("work_buffer", "INTEGER NOT NULL DEFAULT 0"), ("work_features", "TEXT NOT NULL DEFAULT ''"),
            ("placed_node", "TEXT NOT NULL DEFAULT ''"), ("placed_device", "TEXT NOT NULL DEFAULT ''"), ("placed_profile", "TEXT NOT NULL DEFAULT ''"),
            ("placed_target", "TEXT NOT NULL DEFAULT ''"), ("placement", "BLOB"), ("reason", "TEXT NOT NULL DEFAULT ''"),
            ("estimate_seconds", "REAL NOT NULL DEFAULT 0"), ("log", "TEXT NOT NULL DEFAULT ''")]);
        AddMissingColumns(connection, "nodes", [("workers", "INTEGER NOT NULL DEFAULT 1")]);
        Execute(connection, "CREATE INDEX IF NOT EXISTS jobs_by_placement ON jobs(placed_node, state, seq)");
        Execute(connection, $"PRAGMA user_version = {SchemaVersion};");
    }

    private static void AddMissingColumns(SqliteConnection connection, string table, (string Column, string Definition)[] wanted)
    {
        var columns = new HashSet<string>(StringComparer.Ordinal);
        using (var info = Command(connection, $"PRAGMA table_info({table})"))
        using (var reader = info.ExecuteReader())
        {
            while (reader.Read())
            {
                columns.Add(reader.GetString(1));
            }
        }
        foreach (var (column, definition) in wanted.Where(w => !columns.Contains(w.Column)))
        {
            Execute(connection, $"ALTER TABLE {table} ADD COLUMN {column} {definition}");
        }
    }

    /// <summary>The database file.</summary>
    public string Path { get; }

    /// <summary>An open connection (pooled) with the per-connection settings applied.</summary>
    public SqliteConnection Open()
    {
        var connection = new SqliteConnection(_connectionString);
        connection.Open();
        Execute(connection, "PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;");
        return connection;
    }

    /// <summary>Runs SQL without results.</summary>
    public static int Execute(SqliteConnection connection, string sql, params (string Name, object? Value)[] parameters)
    {
        using var command = Command(connection, sql, parameters);
        return command.ExecuteNonQuery();
    }

    /// <summary>Runs SQL for one value.</summary>
    public static object? Scalar(SqliteConnection connection, string sql, params (string Name, object? Value)[] parameters)
    {
        using var command = Command(connection, sql, parameters);
        return command.ExecuteScalar();
    }

    /// <summary>Runs SQL for a column of strings (the first column of every row).</summary>
    public static List<string> Strings(SqliteConnection connection, string sql, params (string Name, object? Value)[] parameters)
    {
        using var command = Command(connection, sql, parameters);
        using var reader = command.ExecuteReader();
        var values = new List<string>();
        while (reader.Read())
        {
            values.Add(reader.GetString(0));
        }
        return values;
    }

    /// <summary>A command with its parameters bound (null as NULL).</summary>
    public static SqliteCommand Command(SqliteConnection connection, string sql, params (string Name, object? Value)[] parameters)
    {
        var command = connection.CreateCommand();
        command.CommandText = sql;
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value ?? DBNull.Value);
        }
        return command;
    }

    /// <summary>Milliseconds since the Unix epoch, now.</summary>
    public static long NowMs() => DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
}
