using System.Text.Json;
using Dapper;
using Microsoft.Data.Sqlite;
using PowerView.Api.Configuration;
using PowerView.Api.Hosting.Storage;
using PowerView.Api.Runs.Contracts;

namespace PowerView.Api.Runs.Storage;

/// <summary>
/// Run store in one SQLite file under the state folder (WAL, so readers never wait for the writer).
/// Each run is a row with its counters and the full report as JSON; per-campaign and per-device
/// summaries are kept up to date in the same transaction, so the campaign views cost one indexed read
/// whatever the number of runs.
/// </summary>
internal sealed partial class SqliteRunStore : IRunStore, IDisposable
{
    private readonly string _connectionString;
    private readonly ILogger<SqliteRunStore> _log;
    private readonly SemaphoreSlim _writer = new(1, 1);
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, SemaphoreSlim> _leases = new(StringComparer.Ordinal);

    public SqliteRunStore(PowerViewPaths paths, ILogger<SqliteRunStore> log)
    {
        File = paths.RunStoreFile();
        _log = log;
        _connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = File,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Cache = SqliteCacheMode.Private,
            Pooling = true,
            DefaultTimeout = 30,
        }.ToString();
        SqliteTypes.Register();
    }

    public string File { get; }

    /// <summary>Closes the pooled connections of this file when the host stops, so nothing holds it open after a restart.</summary>
    public void Dispose()
    {
        using var connection = new SqliteConnection(_connectionString);
        SqliteConnection.ClearPool(connection);
        _writer.Dispose();
    }

    private SqliteConnection Open()
    {
        var connection = new SqliteConnection(_connectionString);
        connection.Open();
        // synchronous is per connection (journal_mode=WAL is kept in the file): in WAL mode NORMAL never
        // corrupts, may lose the last commits on power loss, and spares one fsync per recorded run.
        using var pragma = connection.CreateCommand();
        pragma.CommandText = "PRAGMA synchronous = NORMAL";
        pragma.ExecuteNonQuery();
        return connection;
    }

    public async Task InitializeAsync(CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(File)!);
        await using var db = Open();
        await using (var wal = db.CreateCommand())
        {
            // Kept in the file; SQLite refuses to change it inside a transaction, so it comes before the migrations.
            wal.CommandText = "PRAGMA journal_mode = WAL";
            await wal.ExecuteNonQueryAsync(cancellationToken);
        }

        await SqliteMigrations.ApplyAsync(db, SqliteRunStoreSchema.Migrations, $"the run store {File}", _log, cancellationToken);
    }

    public async Task RecordAsync(RunRecord run, CancellationToken cancellationToken)
    {
        // SQLite has one writer: parallel jobs queue here instead of in SQLite's busy handler, which sleeps.
        await _writer.WaitAsync(cancellationToken);
        try
        {
            await RecordOneAsync(run, cancellationToken);
        }
        finally
        {
            _writer.Release();
        }
    }

    private async Task RecordOneAsync(RunRecord run, CancellationToken cancellationToken)
    {
        // Plain ADO.NET on the write path: every job and every CLI call pays for it, and Dapper's first use
        // of a parameter type emits IL, a visible part of a short CLI process.
        await using var db = Open();
        await using var tx = (SqliteTransaction)await db.BeginTransactionAsync(cancellationToken);
        await using var command = db.CreateCommand();
        command.Transaction = tx;
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

        command.CommandText = string.Join(";\n", sql);
        foreach (var (name, value) in RunColumns.Runs.Concat(RunColumns.Summaries))
        {
            command.Parameters.AddWithValue("@" + name, SqliteTypes.ToDb(value(run)));
        }

        await command.ExecuteNonQueryAsync(cancellationToken);
        await tx.CommitAsync(cancellationToken);
    }

    public async Task<int> CountFileRunsAsync(string company, string campaign, string deviceFolder, string fileName, CancellationToken cancellationToken)
    {
        await using var db = Open();
        await using var command = db.CreateCommand();
        command.CommandText = "SELECT COUNT(*) FROM runs WHERE company = @company AND campaign = @campaign AND device_master_sn = @deviceFolder AND file_name = @fileName AND kind = 'ingest'";
        command.Parameters.AddWithValue("@company", company);
        command.Parameters.AddWithValue("@campaign", campaign);
        command.Parameters.AddWithValue("@deviceFolder", deviceFolder);
        command.Parameters.AddWithValue("@fileName", fileName);
        return Convert.ToInt32(await command.ExecuteScalarAsync(cancellationToken), System.Globalization.CultureInfo.InvariantCulture);
    }

    public async Task<RunDetail?> GetAsync(string id, CancellationToken cancellationToken)
    {
        await using var db = Open();
        var json = await db.QuerySingleOrDefaultAsync<string>(new CommandDefinition(
            "SELECT report FROM runs WHERE id = @id", new { id }, cancellationToken: cancellationToken));
        return json is null ? null : JsonSerializer.Deserialize<RunDetail>(json, RunsJson.Stored);
    }

    public async Task<bool> PingAsync(CancellationToken cancellationToken)
    {
        await using var db = Open();
        return await db.ExecuteScalarAsync<int>(new CommandDefinition("SELECT 1", cancellationToken: cancellationToken)) == 1;
    }

    /// <summary>
    /// The file is this instance's own (under its state folder), so a lease only has to exclude this process's other
    /// runners; the CLI verbs that may open the same file never take one.
    /// </summary>
    public Task<IAsyncDisposable?> TryLeaseAsync(string task, CancellationToken cancellationToken)
    {
        var lease = _leases.GetOrAdd(task, _ => new SemaphoreSlim(1, 1));
        return Task.FromResult<IAsyncDisposable?>(lease.Wait(0, cancellationToken) ? new HeldLease(lease) : null);
    }

    private sealed class HeldLease(SemaphoreSlim lease) : IAsyncDisposable
    {
        private int _released;

        public ValueTask DisposeAsync()
        {
            if (Interlocked.Exchange(ref _released, 1) == 0)
            {
                lease.Release();
            }

            return ValueTask.CompletedTask;
        }
    }

    // Runs can finish out of order (several workers): "last" fields only move forward in time.
    // Provisioning runs only make the campaign known; the counters are about uploads.
    private const string UpsertCampaign = """
        INSERT INTO campaigns (company, campaign, last_run_id, last_run_at, last_status, last_success_at, last_success_file,
            last_error_at, last_error, last_error_file, runs, errors, points)
        VALUES (@company, @campaign,
            CASE WHEN @is_ingest = 1 THEN @id END, CASE WHEN @is_ingest = 1 THEN @started_at END, CASE WHEN @is_ingest = 1 THEN @status END,
            CASE WHEN @is_ingest = 1 AND @is_success = 1 THEN @started_at END, CASE WHEN @is_ingest = 1 AND @is_success = 1 THEN @file_name END,
            CASE WHEN @is_ingest = 1 AND @is_error = 1 THEN @started_at END, CASE WHEN @is_ingest = 1 AND @is_error = 1 THEN @error END,
            CASE WHEN @is_ingest = 1 AND @is_error = 1 THEN @file_name END,
            @is_ingest, @is_ingest * @is_error, @is_ingest * @points_written)
        ON CONFLICT (company, campaign) DO UPDATE SET
            last_run_id = CASE WHEN @is_ingest = 1 AND (last_run_at IS NULL OR @started_at >= last_run_at) THEN @id ELSE last_run_id END,
            last_status = CASE WHEN @is_ingest = 1 AND (last_run_at IS NULL OR @started_at >= last_run_at) THEN @status ELSE last_status END,
            last_run_at = CASE WHEN @is_ingest = 1 AND (last_run_at IS NULL OR @started_at >= last_run_at) THEN @started_at ELSE last_run_at END,
            last_success_file = CASE WHEN @is_ingest = 1 AND @is_success = 1 AND (last_success_at IS NULL OR @started_at >= last_success_at) THEN @file_name ELSE last_success_file END,
            last_success_at = CASE WHEN @is_ingest = 1 AND @is_success = 1 AND (last_success_at IS NULL OR @started_at >= last_success_at) THEN @started_at ELSE last_success_at END,
            last_error = CASE WHEN @is_ingest = 1 AND @is_error = 1 AND (last_error_at IS NULL OR @started_at >= last_error_at) THEN @error ELSE last_error END,
            last_error_file = CASE WHEN @is_ingest = 1 AND @is_error = 1 AND (last_error_at IS NULL OR @started_at >= last_error_at) THEN @file_name ELSE last_error_file END,
            last_error_at = CASE WHEN @is_ingest = 1 AND @is_error = 1 AND (last_error_at IS NULL OR @started_at >= last_error_at) THEN @started_at ELSE last_error_at END,
            runs = runs + @is_ingest,
            errors = errors + @is_ingest * @is_error,
            points = points + @is_ingest * @points_written
        """;

    private const string UpsertDevice = """
        INSERT INTO devices (company, campaign, device_master_sn, last_file, last_run_id, last_run_at, last_status, last_success_at,
            last_error_at, last_error, runs, errors)
        VALUES (@company, @campaign, @device_master_sn, @file_name, @id, @started_at, @status, CASE WHEN @is_success = 1 THEN @started_at END,
            CASE WHEN @is_error = 1 THEN @started_at END, CASE WHEN @is_error = 1 THEN @error END, 1, @is_error)
        ON CONFLICT (company, campaign, device_master_sn) DO UPDATE SET
            last_file = CASE WHEN @started_at >= last_run_at THEN @file_name ELSE last_file END,
            last_run_id = CASE WHEN @started_at >= last_run_at THEN @id ELSE last_run_id END,
            last_status = CASE WHEN @started_at >= last_run_at THEN @status ELSE last_status END,
            last_run_at = MAX(last_run_at, @started_at),
            last_success_at = CASE WHEN @is_success = 1 AND (last_success_at IS NULL OR @started_at >= last_success_at) THEN @started_at ELSE last_success_at END,
            last_error = CASE WHEN @is_error = 1 AND (last_error_at IS NULL OR @started_at >= last_error_at) THEN @error ELSE last_error END,
            last_error_at = CASE WHEN @is_error = 1 AND (last_error_at IS NULL OR @started_at >= last_error_at) THEN @started_at ELSE last_error_at END,
            runs = runs + 1,
            errors = errors + @is_error
        """;

    private const string UpsertDaily = """
        INSERT INTO daily (day, company, campaign, runs, successes, errors, deferred, points)
        VALUES (@day, @company, @campaign, 1, @is_success, @is_error, @is_deferred, @points_written)
        ON CONFLICT (day, company, campaign) DO UPDATE SET
            runs = runs + 1,
            successes = successes + @is_success,
            errors = errors + @is_error,
            deferred = deferred + @is_deferred,
            points = points + @points_written
        """;
}
