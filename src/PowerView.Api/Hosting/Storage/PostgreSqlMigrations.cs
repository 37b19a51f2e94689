using System.Globalization;
using Npgsql;

namespace PowerView.Api.Hosting.Storage;

/// <summary>
/// Brings a PostgreSQL schema to the latest of its numbered migrations, one transaction for all of them, recording
/// each version applied in <c>&lt;schema&gt;.schema_migrations</c>. Shared: each feature keeps its state in a schema of
/// its own (the run history, provisioning) and migrates it with this. Written here rather than taken from a migration
/// library: it is the SQLite runner's twin (same <see cref="SchemaMigration"/> list, same refusal of a newer schema),
/// PostgreSQL's DDL is transactional, and the part a library would not give us is the one that matters with several
/// instances: the advisory lock that makes them take turns.
/// </summary>
internal static class PostgreSqlMigrations
{
    /// <summary>How long an instance waits for another one's migrations before giving up its start.</summary>
    private static readonly TimeSpan LockWait = TimeSpan.FromMinutes(5);

    /// <returns>The version the schema had before (0 when it did not exist).</returns>
    /// <exception cref="InvalidOperationException">The schema was written by a newer release (a version this code does not know).</exception>
    public static async Task<int> ApplyAsync(
        NpgsqlConnection db, string schema, IReadOnlyList<SchemaMigration> migrations, string what, ILogger log, CancellationToken cancellationToken)
    {
        await using var tx = await db.BeginTransactionAsync(cancellationToken);

        // A transaction-level advisory lock: instances starting together queue here, the first migrates, the others
        // find every version applied. It ends with the transaction, or with the session if the process dies meanwhile.
        await ExecuteAsync(db, tx, "SELECT pg_advisory_xact_lock(hashtext(@key))", cancellationToken, [("key", "powerview:schema:" + schema)], LockWait);
        await ExecuteAsync(db, tx, $"""
            CREATE SCHEMA IF NOT EXISTS {schema};
            CREATE TABLE IF NOT EXISTS {schema}.schema_migrations (
                version integer PRIMARY KEY,
                description text NOT NULL,
                applied_at timestamptz NOT NULL DEFAULT now()
            )
            """, cancellationToken);
        var current = Convert.ToInt32(
            await ScalarAsync(db, tx, $"SELECT COALESCE(MAX(version), 0) FROM {schema}.schema_migrations", cancellationToken), CultureInfo.InvariantCulture);
        var latest = migrations[^1].Version;
        if (current > latest)
        {
            throw new InvalidOperationException(
                $"{what} has schema version {current}, newer than this release knows ({latest}): it was written by a later PowerView.Api; run that release, or restore a backup");
        }

        foreach (var migration in migrations.Where(m => m.Version > current))
        {
            // Unqualified names in the migrations land in the schema, whatever the connection's search_path.
            await ExecuteAsync(db, tx, $"SET LOCAL search_path TO {schema}; {migration.Sql}", cancellationToken);
            await ExecuteAsync(db, tx, $"INSERT INTO {schema}.schema_migrations (version, description) VALUES (@version, @description)", cancellationToken,
                [("version", migration.Version), ("description", migration.Description)]);
            log.LogInformation("Migrated {What} to schema version {Version}: {Description}", what, migration.Version, migration.Description);
        }

        await tx.CommitAsync(cancellationToken);
        return current;
    }

    private static async Task ExecuteAsync(
        NpgsqlConnection db, NpgsqlTransaction tx, string sql, CancellationToken cancellationToken,
        IReadOnlyList<(string Name, object Value)>? parameters = null, TimeSpan? timeout = null)
    {
        await using var command = new NpgsqlCommand(sql, db, tx);
        if (timeout is { } t)
        {
            command.CommandTimeout = (int)t.TotalSeconds;
        }

        foreach (var (name, value) in parameters ?? [])
        {
            command.Parameters.AddWithValue(name, value);
        }

        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private static async Task<object?> ScalarAsync(NpgsqlConnection db, NpgsqlTransaction tx, string sql, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(sql, db, tx);
        return await command.ExecuteScalarAsync(cancellationToken);
    }
}
