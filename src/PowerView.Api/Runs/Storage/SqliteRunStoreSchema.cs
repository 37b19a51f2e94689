using PowerView.Api.Hosting.Storage;

namespace PowerView.Api.Runs.Storage;

/// <summary>
/// The run store's schema as numbered migrations, applied in order at start-up; the file's <c>PRAGMA user_version</c>
/// says which it has. Version 1 is the schema the first releases created (they set user_version = 1 without reading
/// it), so their <c>runs.db</c> opens as it is. A migration is never edited once released: a change is a new one.
/// </summary>
internal static class SqliteRunStoreSchema
{
    public static readonly IReadOnlyList<SchemaMigration> Migrations =
    [
        new(1, "runs with their reports; campaign, device and daily summaries", V1),
        new(2, "runs.clock_not_set_rows (rows dated before Ingestion:EarliestValidTime)", V2),
        new(3, "runs.write_retries (write requests sent again during the run)", V3),
    ];

    // Earlier runs did not count them: 0 is what they knew.
    private const string V3 = """
        ALTER TABLE runs ADD COLUMN write_retries INTEGER NOT NULL DEFAULT 0;
        """;

    // Earlier runs had no such rows counted: 0 is what they reported.
    private const string V2 = """
        ALTER TABLE runs ADD COLUMN clock_not_set_rows INTEGER NOT NULL DEFAULT 0;
        """;

    private const string V1 = """
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
        """;
}
