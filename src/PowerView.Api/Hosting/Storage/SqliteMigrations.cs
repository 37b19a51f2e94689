using Microsoft.Data.Sqlite;

namespace PowerView.Api.Hosting.Storage;

/// <summary>
/// Brings a SQLite file to the latest of its numbered migrations, recording the version in <c>PRAGMA user_version</c>.
/// Shared: every feature that keeps an embedded store (the run history, provisioning) migrates its own file with it.
/// The version is the file's, so two features never share a file.
/// </summary>
internal static class SqliteMigrations
{
    /// <returns>The version the file had before.</returns>
    /// <exception cref="InvalidOperationException">The file was written by a newer release (a version this code does not know).</exception>
    public static async Task<int> ApplyAsync(
        SqliteConnection db, IReadOnlyList<SchemaMigration> migrations, string what, ILogger log, CancellationToken cancellationToken)
    {
        // BEGIN IMMEDIATE takes the write lock before reading the version: processes starting together on one file
        // take turns, and the second finds the work done. SQLite's DDL and user_version are transactional, so a
        // migration that fails leaves the file as it was.
        await using var tx = (SqliteTransaction)await db.BeginTransactionAsync(cancellationToken);
        var current = Convert.ToInt32(await ScalarAsync(db, tx, "PRAGMA user_version", cancellationToken), System.Globalization.CultureInfo.InvariantCulture);
        var latest = migrations[^1].Version;
        if (current > latest)
        {
            throw new InvalidOperationException(
                $"{what} has schema version {current}, newer than this release knows ({latest}): it was written by a later PowerView.Api; run that release, or restore a backup");
        }

        foreach (var migration in migrations.Where(m => m.Version > current))
        {
            await ScalarAsync(db, tx, migration.Sql, cancellationToken);
            await ScalarAsync(db, tx, $"PRAGMA user_version = {migration.Version}", cancellationToken);
            log.LogInformation("Migrated {What} to schema version {Version}: {Description}", what, migration.Version, migration.Description);
        }

        await tx.CommitAsync(cancellationToken);
        return current;
    }

    private static async Task<object?> ScalarAsync(SqliteConnection db, SqliteTransaction tx, string sql, CancellationToken cancellationToken)
    {
        await using var command = db.CreateCommand();
        command.Transaction = tx;
        command.CommandText = sql;
        return await command.ExecuteScalarAsync(cancellationToken);
    }
}

/// <param name="Version">1, 2, 3…: applied in this order, each once.</param>
internal sealed record SchemaMigration(int Version, string Description, string Sql);
