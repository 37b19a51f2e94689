using PowerView.Api.Hosting.Storage;
using System.Text.Json;
using Dapper;
using Npgsql;
using NpgsqlTypes;
using PowerView.Api.Configuration;
using PowerView.Api.Runs.Contracts;

namespace PowerView.Api.Runs.Storage;

/// <summary>
/// Run store in a PostgreSQL database that several instances share (<c>Runs:Storage = PostgreSql</c>,
/// <c>ConnectionStrings:Runs</c>), in its own schema <see cref="PostgreSqlRunStoreSchema.Schema"/> so it can live
/// beside Hangfire's. The same rows and summaries as <see cref="SqliteRunStore"/> from the same column mapping
/// (<see cref="RunColumns"/>), times as <c>timestamptz</c>: every instance answers for every run, and a campaign's
/// last success is the same whichever instance is asked.
/// </summary>
internal sealed partial class PostgreSqlRunStore : IRunStore, IDisposable
{
    private readonly NpgsqlDataSource _data;
    private readonly string _leaseConnectionString;
    private readonly ILogger<PostgreSqlRunStore> _log;

    public PostgreSqlRunStore(IConfiguration configuration, ILogger<PostgreSqlRunStore> log)
    {
        _log = log;
        var builder = PostgreSqlConnectionStrings.WithServiceDefaults(configuration.GetConnectionString(RunsOptions.ConnectionStringName)!);
        // Every statement of the store is unqualified, as SQLite's are.
        builder.SearchPath = PostgreSqlRunStoreSchema.Schema;
        builder.ApplicationName ??= "PowerView.Api";
        Description = $"the run store {PostgreSqlRunStoreSchema.Schema} in database {builder.Database} on {builder.Host}";
        _data = NpgsqlDataSource.Create(builder);
        // A lease is a session's advisory lock: its connection is not pooled, so closing it (or the process dying) ends
        // the session and the lock with it; a pooled connection would keep a lock it failed to release while idle.
        _leaseConnectionString = new NpgsqlConnectionStringBuilder(builder.ConnectionString) { Pooling = false }.ConnectionString;
        StoredTimes.Register();
    }

    /// <summary>Schema, database and host, for messages (never the password).</summary>
    public string Description { get; }

    public void Dispose() => _data.Dispose();

    public async Task InitializeAsync(CancellationToken cancellationToken)
    {
        await using var db = await _data.OpenConnectionAsync(cancellationToken);
        await PostgreSqlMigrations.ApplyAsync(db, PostgreSqlRunStoreSchema.Schema, PostgreSqlRunStoreSchema.Migrations, Description, _log, cancellationToken);
    }

    public async Task RecordAsync(RunRecord run, CancellationToken cancellationToken)
    {
        // One command, one round trip, one transaction: the run and its summaries commit together or not at all.
        // Two instances updating one campaign queue on its row (ON CONFLICT locks it) and each compares with the
        // other's committed values, so "last" fields still only move forward. The summaries are always upserted in
        // the same order (campaign, device, day): concurrent runs cannot deadlock.
        await using var db = await _data.OpenConnectionAsync(cancellationToken);
        await using var tx = await db.BeginTransactionAsync(cancellationToken);
        await using var command = new NpgsqlCommand(RecordSql(run), db, tx);
        foreach (var (name, value) in RunColumns.Runs.Concat(RunColumns.Summaries))
        {
            command.Parameters.Add(Parameter(name, value(run)));
        }

        await command.ExecuteNonQueryAsync(cancellationToken);
        await tx.CommitAsync(cancellationToken);
    }

    private static string RecordSql(RunRecord run)
    {
        var sql = new List<string> { RunColumns.InsertRun };
        if (run.Company is not null && run.Campaign is not null)
        {
            sql.Add(UpsertCampaign);
            if (run.Kind == RunKind.Ingest)
            {
                if (run.DeviceMasterSn is not null)
                {
                    sql.Add(UpsertDevice);
                }

                sql.Add(UpsertDaily);
            }
        }

        return string.Join(";\n", sql);
    }

    /// <summary>A value of <see cref="RunColumns"/> as PostgreSQL takes it.</summary>
    private static NpgsqlParameter Parameter(string name, object? value) => value switch
    {
        // Npgsql writes a DateTimeOffset to timestamptz only at offset 0.
        DateTimeOffset time => new NpgsqlParameter(name, NpgsqlDbType.TimestampTz) { Value = time.ToUniversalTime() },
        string json when name == "report" => new NpgsqlParameter(name, NpgsqlDbType.Json) { Value = json },
        null => new NpgsqlParameter(name, DBNull.Value),
        _ => new NpgsqlParameter(name, value),
    };

    public async Task<int> CountFileRunsAsync(string company, string campaign, string deviceFolder, string fileName, CancellationToken cancellationToken)
    {
        await using var db = await _data.OpenConnectionAsync(cancellationToken);
        return await db.ExecuteScalarAsync<int>(new CommandDefinition(
            "SELECT COUNT(*) FROM runs WHERE company = @company AND campaign = @campaign AND device_master_sn = @deviceFolder AND file_name = @fileName AND kind = 'ingest'",
            new { company, campaign, deviceFolder, fileName }, cancellationToken: cancellationToken));
    }

    public async Task<RunDetail?> GetAsync(string id, CancellationToken cancellationToken)
    {
        await using var db = await _data.OpenConnectionAsync(cancellationToken);
        var json = await db.QuerySingleOrDefaultAsync<string>(new CommandDefinition(
            "SELECT report FROM runs WHERE id = @id", new { id }, cancellationToken: cancellationToken));
        return json is null ? null : JsonSerializer.Deserialize<RunDetail>(json, RunsJson.Stored);
    }

    public async Task<bool> PingAsync(CancellationToken cancellationToken)
    {
        await using var db = await _data.OpenConnectionAsync(cancellationToken);
        return await db.ExecuteScalarAsync<int>(new CommandDefinition("SELECT 1", cancellationToken: cancellationToken)) == 1;
    }

    public async Task<IAsyncDisposable?> TryLeaseAsync(string task, CancellationToken cancellationToken)
    {
        var connection = new NpgsqlConnection(_leaseConnectionString);
        try
        {
            await connection.OpenAsync(cancellationToken);
            var key = LeaseKey(task);
            if (await connection.ExecuteScalarAsync<bool>(new CommandDefinition(
                "SELECT pg_try_advisory_lock(hashtext(@key))", new { key }, cancellationToken: cancellationToken)))
            {
                return new AdvisoryLease(connection, key);
            }
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }

        await connection.DisposeAsync();
        return null;
    }

    /// <summary>The advisory lock's name; Hangfire's schema install lock is <c>powerview:hangfire-schema</c>, the migrations' <c>powerview:schema:…</c>.</summary>
    internal static string LeaseKey(string task) => "powerview:lease:" + task;

    /// <summary>Unlocks, then closes the session (which would release the lock by itself if the unlock failed).</summary>
    private sealed class AdvisoryLease(NpgsqlConnection connection, string key) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            try
            {
                await using var unlock = new NpgsqlCommand("SELECT pg_advisory_unlock(hashtext(@key))", connection);
                unlock.Parameters.AddWithValue("key", key);
                await unlock.ExecuteNonQueryAsync();
            }
            catch (Exception ex) when (ex is NpgsqlException or InvalidOperationException)
            {
                // The connection broke: the session is gone, and the lock with it.
            }
            finally
            {
                await connection.DisposeAsync();
            }
        }
    }

    // SQLite's upserts with PostgreSQL's spelling: the existing row named by its alias, GREATEST for MAX.
    // Runs can finish out of order (several workers, several instances): "last" fields only move forward in time.
    // Provisioning runs only make the campaign known; the counters are about uploads.
    private const string UpsertCampaign = """
        INSERT INTO campaigns AS c (company, campaign, last_run_id, last_run_at, last_status, last_success_at, last_success_file,
            last_error_at, last_error, last_error_file, runs, errors, points)
        VALUES (@company, @campaign,
            CASE WHEN @is_ingest = 1 THEN @id END, CASE WHEN @is_ingest = 1 THEN @started_at END, CASE WHEN @is_ingest = 1 THEN @status END,
            CASE WHEN @is_ingest = 1 AND @is_success = 1 THEN @started_at END, CASE WHEN @is_ingest = 1 AND @is_success = 1 THEN @file_name END,
            CASE WHEN @is_ingest = 1 AND @is_error = 1 THEN @started_at END, CASE WHEN @is_ingest = 1 AND @is_error = 1 THEN @error END,
            CASE WHEN @is_ingest = 1 AND @is_error = 1 THEN @file_name END,
            @is_ingest, @is_ingest * @is_error, @is_ingest * @points_written)
        ON CONFLICT (company, campaign) DO UPDATE SET
            last_run_id = CASE WHEN @is_ingest = 1 AND (c.last_run_at IS NULL OR @started_at >= c.last_run_at) THEN @id ELSE c.last_run_id END,
            last_status = CASE WHEN @is_ingest = 1 AND (c.last_run_at IS NULL OR @started_at >= c.last_run_at) THEN @status ELSE c.last_status END,
            last_run_at = CASE WHEN @is_ingest = 1 AND (c.last_run_at IS NULL OR @started_at >= c.last_run_at) THEN @started_at ELSE c.last_run_at END,
            last_success_file = CASE WHEN @is_ingest = 1 AND @is_success = 1 AND (c.last_success_at IS NULL OR @started_at >= c.last_success_at) THEN @file_name ELSE c.last_success_file END,
            last_success_at = CASE WHEN @is_ingest = 1 AND @is_success = 1 AND (c.last_success_at IS NULL OR @started_at >= c.last_success_at) THEN @started_at ELSE c.last_success_at END,
            last_error = CASE WHEN @is_ingest = 1 AND @is_error = 1 AND (c.last_error_at IS NULL OR @started_at >= c.last_error_at) THEN @error ELSE c.last_error END,
            last_error_file = CASE WHEN @is_ingest = 1 AND @is_error = 1 AND (c.last_error_at IS NULL OR @started_at >= c.last_error_at) THEN @file_name ELSE c.last_error_file END,
            last_error_at = CASE WHEN @is_ingest = 1 AND @is_error = 1 AND (c.last_error_at IS NULL OR @started_at >= c.last_error_at) THEN @started_at ELSE c.last_error_at END,
            runs = c.runs + @is_ingest,
            errors = c.errors + @is_ingest * @is_error,
            points = c.points + @is_ingest * @points_written
        """;

    private const string UpsertDevice = """
        INSERT INTO devices AS d (company, campaign, device_master_sn, last_file, last_run_id, last_run_at, last_status, last_success_at,
            last_error_at, last_error, runs, errors)
        VALUES (@company, @campaign, @device_master_sn, @file_name, @id, @started_at, @status, CASE WHEN @is_success = 1 THEN @started_at END,
            CASE WHEN @is_error = 1 THEN @started_at END, CASE WHEN @is_error = 1 THEN @error END, 1, @is_error)
        ON CONFLICT (company, campaign, device_master_sn) DO UPDATE SET
            last_file = CASE WHEN @started_at >= d.last_run_at THEN @file_name ELSE d.last_file END,
            last_run_id = CASE WHEN @started_at >= d.last_run_at THEN @id ELSE d.last_run_id END,
            last_status = CASE WHEN @started_at >= d.last_run_at THEN @status ELSE d.last_status END,
            last_run_at = GREATEST(d.last_run_at, @started_at),
            last_success_at = CASE WHEN @is_success = 1 AND (d.last_success_at IS NULL OR @started_at >= d.last_success_at) THEN @started_at ELSE d.last_success_at END,
            last_error = CASE WHEN @is_error = 1 AND (d.last_error_at IS NULL OR @started_at >= d.last_error_at) THEN @error ELSE d.last_error END,
            last_error_at = CASE WHEN @is_error = 1 AND (d.last_error_at IS NULL OR @started_at >= d.last_error_at) THEN @started_at ELSE d.last_error_at END,
            runs = d.runs + 1,
            errors = d.errors + @is_error
        """;

    private const string UpsertDaily = """
        INSERT INTO daily AS y (day, company, campaign, runs, successes, errors, deferred, points)
        VALUES (@day, @company, @campaign, 1, @is_success, @is_error, @is_deferred, @points_written)
        ON CONFLICT (day, company, campaign) DO UPDATE SET
            runs = y.runs + 1,
            successes = y.successes + @is_success,
            errors = y.errors + @is_error,
            deferred = y.deferred + @is_deferred,
            points = y.points + @points_written
        """;
}
