using PowerView.Api.Hosting.Storage;

namespace PowerView.Api.Runs.Storage;

/// <summary>
/// The PostgreSQL run store's schema as numbered migrations, applied in order at start-up by
/// <see cref="PostgreSqlMigrations"/> (the versions applied are rows of <c>powerview_runs.schema_migrations</c>). Its
/// own numbering, independent of SQLite's: a store is created by one or the other, never converted. The SQL is
/// unqualified: the store's connections have <c>search_path = powerview_runs</c>. A migration is never edited once
/// released: a change is a new one, added at the end.
/// </summary>
/// <remarks>
/// Everything several instances must agree on about runs lives in this schema. Provisioning's state (company
/// tokens, created company keys) belongs to Provisioning, in the same database but its own schema
/// (<c>powerview_provisioning</c>) with its own numbered migrations applied by the same runner.
/// </remarks>
internal static class PostgreSqlRunStoreSchema
{
    /// <summary>The store's schema; Hangfire's is <c>hangfire</c>, so both can share one database.</summary>
    public const string Schema = "powerview_runs";

    public static readonly IReadOnlyList<SchemaMigration> Migrations =
    [
        new(1, "runs with their reports; campaign, device and daily summaries", V1),
        new(2, "runs.clock_not_set_rows (rows whose device clock was not set)", V2),
        new(3, "runs.write_retries (write requests sent again during the run)", V3),
    ];

    // SQLite's version 1 in PostgreSQL types: times are timestamptz, counters bigint, enums their wire names (text),
    // the report json (kept as written, read back whole). seq is the insertion order: it breaks ties between runs
    // started in the same microsecond, as SQLite's rowid does, whichever instance recorded them.
    private const string V1 = """
        CREATE TABLE runs (
            seq bigint GENERATED ALWAYS AS IDENTITY,
            id text PRIMARY KEY,
            kind text NOT NULL,
            trigger text NOT NULL,
            status text NOT NULL,
            company text, campaign text, device_master_sn text, file_name text, file_path text, moved_to text,
            started_at timestamptz NOT NULL,
            finished_at timestamptz NOT NULL,
            duration_ms bigint NOT NULL,
            attempt integer NOT NULL,
            format text, bucket text,
            lines_total bigint NOT NULL, lines_ignored bigint NOT NULL, rows_ingested bigint NOT NULL,
            invalid_timestamps bigint NOT NULL, invalid_values bigint NOT NULL, truncated_lines bigint NOT NULL,
            points_written bigint NOT NULL, channel_count integer NOT NULL,
            time_start timestamptz, time_end timestamptz,
            error text, step text, message text,
            report json NOT NULL
        );
        -- Ascending, read backwards: (started_at, seq) reversed is exactly the lists' "started_at DESC, seq DESC".
        CREATE INDEX ix_runs_started ON runs (started_at, seq);
        CREATE INDEX ix_runs_company ON runs (company, started_at, seq);
        CREATE INDEX ix_runs_campaign ON runs (company, campaign, started_at, seq);
        CREATE INDEX ix_runs_status ON runs (status, started_at, seq);
        CREATE INDEX ix_runs_company_status ON runs (company, status, started_at, seq);
        CREATE INDEX ix_runs_device ON runs (device_master_sn, started_at, seq);
        CREATE INDEX ix_runs_file ON runs (file_name, device_master_sn, campaign, company);
        CREATE TABLE campaigns (
            company text NOT NULL, campaign text NOT NULL,
            last_run_id text, last_run_at timestamptz, last_status text,
            last_success_at timestamptz, last_success_file text,
            last_error_at timestamptz, last_error text, last_error_file text,
            runs bigint NOT NULL DEFAULT 0, errors bigint NOT NULL DEFAULT 0, points bigint NOT NULL DEFAULT 0,
            PRIMARY KEY (company, campaign)
        );
        CREATE TABLE devices (
            company text NOT NULL, campaign text NOT NULL, device_master_sn text NOT NULL,
            last_file text, last_run_id text, last_run_at timestamptz, last_status text, last_success_at timestamptz,
            last_error_at timestamptz, last_error text,
            runs bigint NOT NULL DEFAULT 0, errors bigint NOT NULL DEFAULT 0,
            PRIMARY KEY (company, campaign, device_master_sn)
        );
        -- Ingestion totals per UTC day (its midnight) and campaign, for the points-per-day panel.
        CREATE TABLE daily (
            day timestamptz NOT NULL, company text NOT NULL, campaign text NOT NULL,
            runs bigint NOT NULL DEFAULT 0, successes bigint NOT NULL DEFAULT 0, errors bigint NOT NULL DEFAULT 0,
            deferred bigint NOT NULL DEFAULT 0, points bigint NOT NULL DEFAULT 0,
            PRIMARY KEY (day, company, campaign)
        );
        """;

    // The counter SQLite's version 2 adds (RunCounters.ClockNotSetRows once it exists). IF NOT EXISTS: a database
    // where the column was added by hand, or by a branch that numbered it differently, still migrates.
    private const string V2 = """
        ALTER TABLE runs ADD COLUMN IF NOT EXISTS clock_not_set_rows bigint NOT NULL DEFAULT 0;
        """;

    // SQLite's version 3: the write requests a run sent again (RunCounters.WriteRetries).
    private const string V3 = """
        ALTER TABLE runs ADD COLUMN IF NOT EXISTS write_retries bigint NOT NULL DEFAULT 0;
        """;
}
