using System.Text.Json;
using Dapper;
using Microsoft.Data.Sqlite;
using PowerView.Api.Configuration;

namespace PowerView.Api.Runs;

/// <summary>
/// Run store in one SQLite file under the state folder (WAL, so readers never wait for the writer).
/// Each run is a row with its counters and the full report as JSON; per-campaign and per-device
/// summaries are kept up to date in the same transaction, so the campaign views cost one indexed read
/// whatever the number of runs.
/// </summary>
internal sealed partial class SqliteRunStore(PowerViewPaths paths) : IRunStore, IDisposable
{
    private readonly string _connectionString = new SqliteConnectionStringBuilder
    {
        DataSource = paths.RunStoreFile,
        Mode = SqliteOpenMode.ReadWriteCreate,
        Cache = SqliteCacheMode.Private,
        Pooling = true,
        DefaultTimeout = 30,
    }.ToString();

    private readonly SemaphoreSlim _writer = new(1, 1);

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
        Directory.CreateDirectory(Path.GetDirectoryName(paths.RunStoreFile)!);
        await using var db = Open();
        await using var command = db.CreateCommand();
        command.CommandText = Schema;
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public async Task RecordAsync(RunReport r, CancellationToken cancellationToken)
    {
        // SQLite has one writer: parallel jobs queue here instead of in SQLite's busy handler, which sleeps.
        await _writer.WaitAsync(cancellationToken);
        try
        {
            await RecordOneAsync(r, cancellationToken);
        }
        finally
        {
            _writer.Release();
        }
    }

    private async Task RecordOneAsync(RunReport r, CancellationToken cancellationToken)
    {
        // Plain ADO.NET on the write path: every job and every CLI call pays for it, and Dapper's first use
        // of a parameter type emits IL, a visible part of a short CLI process.
        await using var db = Open();
        await using var tx = (SqliteTransaction)await db.BeginTransactionAsync(cancellationToken);
        await using var command = db.CreateCommand();
        command.Transaction = tx;
        var sql = new List<string> { InsertRun };
        if (r.Company is not null && r.Campaign is not null)
        {
            sql.Add(UpsertCampaign);
            if (r.Kind == RunKind.Ingest && r.DeviceMasterSn is not null)
            {
                sql.Add(UpsertDevice);
            }

            if (r.Kind == RunKind.Ingest)
            {
                sql.Add(UpsertDaily);
            }
        }

        command.CommandText = string.Join(";\n", sql);
        var p = command.Parameters;
        p.AddWithValue("@Id", r.Id);
        p.AddWithValue("@Kind", r.Kind);
        p.AddWithValue("@Trigger", r.Trigger);
        p.AddWithValue("@Status", r.Status);
        p.AddWithValue("@Company", (object?)r.Company ?? DBNull.Value);
        p.AddWithValue("@Campaign", (object?)r.Campaign ?? DBNull.Value);
        p.AddWithValue("@DeviceMasterSn", (object?)r.DeviceMasterSn ?? DBNull.Value);
        p.AddWithValue("@FileName", (object?)r.FileName ?? DBNull.Value);
        p.AddWithValue("@FilePath", (object?)r.FilePath ?? DBNull.Value);
        p.AddWithValue("@MovedTo", (object?)r.MovedTo ?? DBNull.Value);
        p.AddWithValue("@StartedAt", r.StartedAt.ToUnixTimeMilliseconds());
        p.AddWithValue("@FinishedAt", r.FinishedAt.ToUnixTimeMilliseconds());
        p.AddWithValue("@DurationMs", r.DurationMs);
        p.AddWithValue("@Attempt", r.Attempt);
        p.AddWithValue("@Format", (object?)r.Format ?? DBNull.Value);
        p.AddWithValue("@Bucket", (object?)r.Bucket ?? DBNull.Value);
        p.AddWithValue("@LinesTotal", r.LinesTotal);
        p.AddWithValue("@LinesIgnored", r.LinesIgnored);
        p.AddWithValue("@RowsIngested", r.RowsIngested);
        p.AddWithValue("@InvalidTimestamps", r.InvalidTimestamps);
        p.AddWithValue("@InvalidValues", r.InvalidValues);
        p.AddWithValue("@TruncatedLines", r.TruncatedLines);
        p.AddWithValue("@PointsWritten", r.PointsWritten);
        p.AddWithValue("@ChannelCount", r.ChannelCount);
        p.AddWithValue("@TimeStart", (object?)r.TimeStart?.ToUnixTimeMilliseconds() ?? DBNull.Value);
        p.AddWithValue("@TimeEnd", (object?)r.TimeEnd?.ToUnixTimeMilliseconds() ?? DBNull.Value);
        p.AddWithValue("@Error", (object?)r.Error ?? DBNull.Value);
        p.AddWithValue("@Step", (object?)r.Step ?? DBNull.Value);
        p.AddWithValue("@Message", (object?)r.Message ?? DBNull.Value);
        p.AddWithValue("@Report", JsonSerializer.Serialize(r, RunJson.Options));
        p.AddWithValue("@IsIngest", r.Kind == RunKind.Ingest ? 1 : 0);
        p.AddWithValue("@IsSuccess", r.Status == RunStatus.Success ? 1 : 0);
        p.AddWithValue("@IsError", r.Status == RunStatus.Error ? 1 : 0);
        p.AddWithValue("@IsDeferred", r.Status == RunStatus.Deferred ? 1 : 0);
        p.AddWithValue("@Day", DayOf(r.StartedAt));
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

    public async Task<RunReport?> GetAsync(string id, CancellationToken cancellationToken)
    {
        await using var db = Open();
        var json = await db.QuerySingleOrDefaultAsync<string>(new CommandDefinition(
            "SELECT report FROM runs WHERE id = @id", new { id }, cancellationToken: cancellationToken));
        return json is null ? null : JsonSerializer.Deserialize<RunReport>(json, RunJson.Options);
    }

    public async Task<bool> PingAsync(CancellationToken cancellationToken)
    {
        await using var db = Open();
        return await db.ExecuteScalarAsync<int>(new CommandDefinition("SELECT 1", cancellationToken: cancellationToken)) == 1;
    }

    private const string Schema = """
        PRAGMA journal_mode = WAL;
        PRAGMA synchronous = NORMAL;
        CREATE TABLE IF NOT EXISTS runs (
            id TEXT PRIMARY KEY,
            kind TEXT NOT NULL,
            trigger TEXT NOT NULL,
            status TEXT NOT NULL,
            company TEXT, campaign TEXT, device_master_sn TEXT, file_name TEXT, file_path TEXT, moved_to TEXT,
            started_at INTEGER NOT NULL,
            finished_at INTEGER NOT NULL,
            duration_ms INTEGER NOT NULL,
            attempt INTEGER NOT NULL,
            format TEXT, bucket TEXT,
            lines_total INTEGER NOT NULL, lines_ignored INTEGER NOT NULL, rows_ingested INTEGER NOT NULL,
            invalid_timestamps INTEGER NOT NULL, invalid_values INTEGER NOT NULL, truncated_lines INTEGER NOT NULL,
            points_written INTEGER NOT NULL, channel_count INTEGER NOT NULL,
            time_start INTEGER, time_end INTEGER,
            error TEXT, step TEXT, message TEXT,
            report TEXT NOT NULL
        );
        -- Ascending, read backwards: (started_at, rowid) reversed is exactly the lists' "started_at DESC, rowid DESC".
        CREATE INDEX IF NOT EXISTS ix_runs_started ON runs (started_at);
        CREATE INDEX IF NOT EXISTS ix_runs_company ON runs (company, started_at);
        CREATE INDEX IF NOT EXISTS ix_runs_campaign ON runs (company, campaign, started_at);
        CREATE INDEX IF NOT EXISTS ix_runs_status ON runs (status, started_at);
        -- A company's errors (company keys, the Grafana errors panel): without it SQLite walks every error of every company.
        CREATE INDEX IF NOT EXISTS ix_runs_company_status ON runs (company, status, started_at);
        CREATE INDEX IF NOT EXISTS ix_runs_device ON runs (device_master_sn, started_at);
        CREATE INDEX IF NOT EXISTS ix_runs_file ON runs (file_name, device_master_sn, campaign, company);
        CREATE TABLE IF NOT EXISTS campaigns (
            company TEXT NOT NULL, campaign TEXT NOT NULL,
            last_run_id TEXT, last_run_at INTEGER, last_status TEXT,
            last_success_at INTEGER, last_success_file TEXT,
            last_error_at INTEGER, last_error TEXT, last_error_file TEXT,
            runs INTEGER NOT NULL DEFAULT 0, errors INTEGER NOT NULL DEFAULT 0, points INTEGER NOT NULL DEFAULT 0,
            PRIMARY KEY (company, campaign)
        );
        CREATE TABLE IF NOT EXISTS devices (
            company TEXT NOT NULL, campaign TEXT NOT NULL, device_master_sn TEXT NOT NULL,
            last_file TEXT, last_run_id TEXT, last_run_at INTEGER, last_status TEXT, last_success_at INTEGER,
            last_error_at INTEGER, last_error TEXT,
            runs INTEGER NOT NULL DEFAULT 0, errors INTEGER NOT NULL DEFAULT 0,
            PRIMARY KEY (company, campaign, device_master_sn)
        );
        -- Ingestion totals per UTC day (epoch ms of midnight) and campaign, for the points-per-day panel;
        -- clustered on the key, so a year of days is one sequential range read.
        CREATE TABLE IF NOT EXISTS daily (
            day INTEGER NOT NULL, company TEXT NOT NULL, campaign TEXT NOT NULL,
            runs INTEGER NOT NULL DEFAULT 0, successes INTEGER NOT NULL DEFAULT 0, errors INTEGER NOT NULL DEFAULT 0,
            deferred INTEGER NOT NULL DEFAULT 0, points INTEGER NOT NULL DEFAULT 0,
            PRIMARY KEY (day, company, campaign)
        ) WITHOUT ROWID;
        PRAGMA user_version = 1;
        """;

    private const string InsertRun = """
        INSERT INTO runs (id, kind, trigger, status, company, campaign, device_master_sn, file_name, file_path, moved_to,
            started_at, finished_at, duration_ms, attempt, format, bucket, lines_total, lines_ignored, rows_ingested,
            invalid_timestamps, invalid_values, truncated_lines, points_written, channel_count, time_start, time_end,
            error, step, message, report)
        VALUES (@Id, @Kind, @Trigger, @Status, @Company, @Campaign, @DeviceMasterSn, @FileName, @FilePath, @MovedTo,
            @StartedAt, @FinishedAt, @DurationMs, @Attempt, @Format, @Bucket, @LinesTotal, @LinesIgnored, @RowsIngested,
            @InvalidTimestamps, @InvalidValues, @TruncatedLines, @PointsWritten, @ChannelCount, @TimeStart, @TimeEnd,
            @Error, @Step, @Message, @Report)
        """;

    // Runs can finish out of order (several workers): "last" fields only move forward in time.
    // Provisioning runs only make the campaign known; the counters are about uploads.
    private const string UpsertCampaign = """
        INSERT INTO campaigns (company, campaign, last_run_id, last_run_at, last_status, last_success_at, last_success_file,
            last_error_at, last_error, last_error_file, runs, errors, points)
        VALUES (@Company, @Campaign,
            CASE WHEN @IsIngest = 1 THEN @Id END, CASE WHEN @IsIngest = 1 THEN @StartedAt END, CASE WHEN @IsIngest = 1 THEN @Status END,
            CASE WHEN @IsIngest = 1 AND @IsSuccess = 1 THEN @StartedAt END, CASE WHEN @IsIngest = 1 AND @IsSuccess = 1 THEN @FileName END,
            CASE WHEN @IsIngest = 1 AND @IsError = 1 THEN @StartedAt END, CASE WHEN @IsIngest = 1 AND @IsError = 1 THEN @Error END,
            CASE WHEN @IsIngest = 1 AND @IsError = 1 THEN @FileName END,
            @IsIngest, @IsIngest * @IsError, @IsIngest * @PointsWritten)
        ON CONFLICT (company, campaign) DO UPDATE SET
            last_run_id = CASE WHEN @IsIngest = 1 AND (last_run_at IS NULL OR @StartedAt >= last_run_at) THEN @Id ELSE last_run_id END,
            last_status = CASE WHEN @IsIngest = 1 AND (last_run_at IS NULL OR @StartedAt >= last_run_at) THEN @Status ELSE last_status END,
            last_run_at = CASE WHEN @IsIngest = 1 AND (last_run_at IS NULL OR @StartedAt >= last_run_at) THEN @StartedAt ELSE last_run_at END,
            last_success_file = CASE WHEN @IsIngest = 1 AND @IsSuccess = 1 AND (last_success_at IS NULL OR @StartedAt >= last_success_at) THEN @FileName ELSE last_success_file END,
            last_success_at = CASE WHEN @IsIngest = 1 AND @IsSuccess = 1 AND (last_success_at IS NULL OR @StartedAt >= last_success_at) THEN @StartedAt ELSE last_success_at END,
            last_error = CASE WHEN @IsIngest = 1 AND @IsError = 1 AND (last_error_at IS NULL OR @StartedAt >= last_error_at) THEN @Error ELSE last_error END,
            last_error_file = CASE WHEN @IsIngest = 1 AND @IsError = 1 AND (last_error_at IS NULL OR @StartedAt >= last_error_at) THEN @FileName ELSE last_error_file END,
            last_error_at = CASE WHEN @IsIngest = 1 AND @IsError = 1 AND (last_error_at IS NULL OR @StartedAt >= last_error_at) THEN @StartedAt ELSE last_error_at END,
            runs = runs + @IsIngest,
            errors = errors + @IsIngest * @IsError,
            points = points + @IsIngest * @PointsWritten
        """;

    private const string UpsertDevice = """
        INSERT INTO devices (company, campaign, device_master_sn, last_file, last_run_id, last_run_at, last_status, last_success_at,
            last_error_at, last_error, runs, errors)
        VALUES (@Company, @Campaign, @DeviceMasterSn, @FileName, @Id, @StartedAt, @Status, CASE WHEN @IsSuccess = 1 THEN @StartedAt END,
            CASE WHEN @IsError = 1 THEN @StartedAt END, CASE WHEN @IsError = 1 THEN @Error END, 1, @IsError)
        ON CONFLICT (company, campaign, device_master_sn) DO UPDATE SET
            last_file = CASE WHEN @StartedAt >= last_run_at THEN @FileName ELSE last_file END,
            last_run_id = CASE WHEN @StartedAt >= last_run_at THEN @Id ELSE last_run_id END,
            last_status = CASE WHEN @StartedAt >= last_run_at THEN @Status ELSE last_status END,
            last_run_at = MAX(last_run_at, @StartedAt),
            last_success_at = CASE WHEN @IsSuccess = 1 AND (last_success_at IS NULL OR @StartedAt >= last_success_at) THEN @StartedAt ELSE last_success_at END,
            last_error = CASE WHEN @IsError = 1 AND (last_error_at IS NULL OR @StartedAt >= last_error_at) THEN @Error ELSE last_error END,
            last_error_at = CASE WHEN @IsError = 1 AND (last_error_at IS NULL OR @StartedAt >= last_error_at) THEN @StartedAt ELSE last_error_at END,
            runs = runs + 1,
            errors = errors + @IsError
        """;

    private const string UpsertDaily = """
        INSERT INTO daily (day, company, campaign, runs, successes, errors, deferred, points)
        VALUES (@Day, @Company, @Campaign, 1, @IsSuccess, @IsError, @IsDeferred, @PointsWritten)
        ON CONFLICT (day, company, campaign) DO UPDATE SET
            runs = runs + 1,
            successes = successes + @IsSuccess,
            errors = errors + @IsError,
            deferred = deferred + @IsDeferred,
            points = points + @PointsWritten
        """;
}
