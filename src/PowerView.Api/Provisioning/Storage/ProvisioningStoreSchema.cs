using PowerView.Api.Hosting.Storage;

namespace PowerView.Api.Provisioning.Storage;

/// <summary>
/// The provisioning store's schema as numbered migrations, one list per engine (a store is created by one or the
/// other, never converted). SQLite: the file <c>&lt;StateDir&gt;/provisioning.db</c> of its own, since
/// <c>PRAGMA user_version</c> is the file's; PostgreSQL: the schema <see cref="PostgreSqlSchema"/> beside the run store's.
/// A migration is never edited once released: a change is a new one, added at the end.
/// </summary>
internal static class ProvisioningStoreSchema
{
    public const string PostgreSqlSchema = "powerview_provisioning";

    public static readonly IReadOnlyList<SchemaMigration> Sqlite =
    [
        new(1, "companies (provisioned objects, last run), campaigns, company key hashes", SqliteV1),
    ];

    public static readonly IReadOnlyList<SchemaMigration> PostgreSql =
    [
        new(1, "companies (provisioned objects, last run), campaigns, company key hashes", PostgreSqlV1),
    ];

    // Times in epoch milliseconds, as the run store's. objects: the JSON of ProvisionedObjects, NULL until a success.
    private const string SqliteV1 = """
        CREATE TABLE IF NOT EXISTS companies (
            company TEXT PRIMARY KEY,
            objects TEXT,
            provisioned_at INTEGER,
            last_run_id TEXT, last_run_status TEXT, last_run_campaign TEXT, last_run_at INTEGER,
            last_run_step TEXT, last_run_message TEXT, last_run_error TEXT
        );
        CREATE TABLE IF NOT EXISTS campaigns (
            company TEXT NOT NULL, campaign TEXT NOT NULL, provisioned_at INTEGER NOT NULL,
            PRIMARY KEY (company, campaign)
        );
        -- A key is found by its hash (the API's key handler), and never by anything it could be guessed from.
        CREATE TABLE IF NOT EXISTS company_keys (
            id TEXT PRIMARY KEY, company TEXT NOT NULL, sha256 BLOB NOT NULL UNIQUE, created_at INTEGER NOT NULL
        );
        CREATE INDEX IF NOT EXISTS ix_company_keys_company ON company_keys (company);
        """;

    private const string PostgreSqlV1 = """
        CREATE TABLE companies (
            company text PRIMARY KEY,
            objects text,
            provisioned_at timestamptz,
            last_run_id text, last_run_status text, last_run_campaign text, last_run_at timestamptz,
            last_run_step text, last_run_message text, last_run_error text
        );
        CREATE TABLE campaigns (
            company text NOT NULL, campaign text NOT NULL, provisioned_at timestamptz NOT NULL,
            PRIMARY KEY (company, campaign)
        );
        CREATE TABLE company_keys (
            id text PRIMARY KEY, company text NOT NULL, sha256 bytea NOT NULL UNIQUE, created_at timestamptz NOT NULL
        );
        CREATE INDEX ix_company_keys_company ON company_keys (company);
        """;
}
