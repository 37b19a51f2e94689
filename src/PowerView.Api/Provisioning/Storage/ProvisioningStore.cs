using System.Data.Common;
using System.Text.Json;
using PowerView.Api.Runs;

namespace PowerView.Api.Provisioning.Storage;

/// <summary>
/// The statements both engines share (SQLite and PostgreSQL read the same <c>ON CONFLICT</c> upserts and <c>@name</c>
/// parameters); an engine says how it opens a connection and how it stores a time. A company's row holds the JSON of
/// its provisioned objects and its last run; "last" only moves forward in time, since runs of several processes can
/// finish out of order.
/// </summary>
internal abstract class ProvisioningStore : IProvisioningStore
{
    private static readonly JsonSerializerOptions ObjectsJson = new(JsonSerializerDefaults.Web);

    // objects and provisioned_at change only with a newer success (a failed run passes NULL: NULL >= x is never true);
    // the run columns only with a later run. The right-hand sides read the row as it was before the update.
    private const string UpsertCompany = """
        INSERT INTO companies (company, objects, provisioned_at,
            last_run_id, last_run_status, last_run_campaign, last_run_at, last_run_step, last_run_message, last_run_error)
        VALUES (@company, @objects, @provisioned_at, @run_id, @run_status, @run_campaign, @run_at, @run_step, @run_message, @run_error)
        ON CONFLICT (company) DO UPDATE SET
            objects = CASE WHEN companies.provisioned_at IS NULL OR excluded.provisioned_at >= companies.provisioned_at
                THEN COALESCE(excluded.objects, companies.objects) ELSE companies.objects END,
            provisioned_at = CASE WHEN companies.provisioned_at IS NULL OR excluded.provisioned_at >= companies.provisioned_at
                THEN COALESCE(excluded.provisioned_at, companies.provisioned_at) ELSE companies.provisioned_at END,
            last_run_id = CASE WHEN companies.last_run_at IS NULL OR excluded.last_run_at >= companies.last_run_at THEN excluded.last_run_id ELSE companies.last_run_id END,
            last_run_status = CASE WHEN companies.last_run_at IS NULL OR excluded.last_run_at >= companies.last_run_at THEN excluded.last_run_status ELSE companies.last_run_status END,
            last_run_campaign = CASE WHEN companies.last_run_at IS NULL OR excluded.last_run_at >= companies.last_run_at THEN excluded.last_run_campaign ELSE companies.last_run_campaign END,
            last_run_step = CASE WHEN companies.last_run_at IS NULL OR excluded.last_run_at >= companies.last_run_at THEN excluded.last_run_step ELSE companies.last_run_step END,
            last_run_message = CASE WHEN companies.last_run_at IS NULL OR excluded.last_run_at >= companies.last_run_at THEN excluded.last_run_message ELSE companies.last_run_message END,
            last_run_error = CASE WHEN companies.last_run_at IS NULL OR excluded.last_run_at >= companies.last_run_at THEN excluded.last_run_error ELSE companies.last_run_error END,
            last_run_at = CASE WHEN companies.last_run_at IS NULL OR excluded.last_run_at >= companies.last_run_at THEN excluded.last_run_at ELSE companies.last_run_at END
        """;

    private const string InsertCampaign = """
        INSERT INTO campaigns (company, campaign, provisioned_at) VALUES (@company, @campaign, @provisioned_at)
        ON CONFLICT (company, campaign) DO NOTHING
        """;

    private const string SelectCompanies = """
        SELECT company, objects, provisioned_at, last_run_id, last_run_status, last_run_campaign, last_run_at, last_run_step,
            last_run_message, last_run_error
        FROM companies
        """;

    public abstract Task InitializeAsync(CancellationToken cancellationToken);

    /// <summary>An open connection (its pragmas or search path set).</summary>
    protected abstract Task<DbConnection> OpenAsync(CancellationToken cancellationToken);

    /// <summary>A time as the engine stores it (SQLite: epoch milliseconds; PostgreSQL: <c>timestamptz</c>).</summary>
    protected abstract object ToDb(DateTimeOffset time);

    protected abstract DateTimeOffset ReadTime(DbDataReader reader, int ordinal);

    /// <summary>Writes may queue in the process (SQLite's single writer) before they reach the database.</summary>
    protected virtual Task<IDisposable?> EnterWriteAsync(CancellationToken cancellationToken) => Task.FromResult<IDisposable?>(null);

    public async Task<bool> PingAsync(CancellationToken cancellationToken)
    {
        await using var db = await OpenAsync(cancellationToken);
        await using var command = Command(db, "SELECT 1");
        return Convert.ToInt64(await command.ExecuteScalarAsync(cancellationToken), System.Globalization.CultureInfo.InvariantCulture) == 1;
    }

    public Task SaveProvisionedAsync(string company, string? campaign, ProvisionedObjects objects, LastProvisioningRun run, CancellationToken cancellationToken) =>
        WriteAsync(async (db, tx) =>
        {
            await using (var upsert = Command(db, UpsertCompany, tx))
            {
                AddCompany(upsert, company, JsonSerializer.Serialize(objects, ObjectsJson), run.FinishedAt, run);
                await upsert.ExecuteNonQueryAsync(cancellationToken);
            }

            if (campaign is not null)
            {
                await using var insert = Command(db, InsertCampaign, tx);
                Add(insert, "company", company);
                Add(insert, "campaign", campaign);
                Add(insert, "provisioned_at", ToDb(run.FinishedAt));
                await insert.ExecuteNonQueryAsync(cancellationToken);
            }
        }, cancellationToken);

    public Task SaveRunAsync(string company, LastProvisioningRun run, CancellationToken cancellationToken) =>
        WriteAsync(async (db, tx) =>
        {
            await using var upsert = Command(db, UpsertCompany, tx);
            AddCompany(upsert, company, null, null, run);
            await upsert.ExecuteNonQueryAsync(cancellationToken);
        }, cancellationToken);

    public async Task<ProvisionedCompany?> GetAsync(string company, CancellationToken cancellationToken) =>
        (await ReadCompaniesAsync(company, cancellationToken)).SingleOrDefault();

    public Task<IReadOnlyList<ProvisionedCompany>> ListAsync(CancellationToken cancellationToken) => ReadCompaniesAsync(null, cancellationToken);

    public async Task<bool> IsProvisionedAsync(string company, string? campaign, CancellationToken cancellationToken)
    {
        await using var db = await OpenAsync(cancellationToken);
        await using var command = Command(db, campaign is null
            ? "SELECT COUNT(*) FROM companies WHERE company = @company AND objects IS NOT NULL"
            : "SELECT COUNT(*) FROM companies c JOIN campaigns k ON k.company = c.company WHERE c.company = @company AND c.objects IS NOT NULL AND k.campaign = @campaign");
        Add(command, "company", company);
        if (campaign is not null)
        {
            Add(command, "campaign", campaign);
        }

        return Convert.ToInt64(await command.ExecuteScalarAsync(cancellationToken), System.Globalization.CultureInfo.InvariantCulture) > 0;
    }

    public Task AddKeyAsync(StoredCompanyKey key, DateTimeOffset createdAt, CancellationToken cancellationToken) =>
        WriteAsync(async (db, tx) =>
        {
            await using var command = Command(db, "INSERT INTO company_keys (id, company, sha256, created_at) VALUES (@id, @company, @sha256, @created_at)", tx);
            Add(command, "id", key.Id);
            Add(command, "company", key.Company);
            Add(command, "sha256", key.Sha256);
            Add(command, "created_at", ToDb(createdAt));
            await command.ExecuteNonQueryAsync(cancellationToken);
        }, cancellationToken);

    public Task RemoveKeyAsync(string company, string keyId, CancellationToken cancellationToken) =>
        WriteAsync(async (db, tx) =>
        {
            await using var command = Command(db, "DELETE FROM company_keys WHERE id = @id AND company = @company", tx);
            Add(command, "id", keyId);
            Add(command, "company", company);
            await command.ExecuteNonQueryAsync(cancellationToken);
        }, cancellationToken);

    public async Task<IReadOnlyList<StoredCompanyKey>> ListKeysAsync(CancellationToken cancellationToken)
    {
        await using var db = await OpenAsync(cancellationToken);
        await using var command = Command(db, "SELECT id, company, sha256 FROM company_keys ORDER BY id");
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var keys = new List<StoredCompanyKey>();
        while (await reader.ReadAsync(cancellationToken))
        {
            keys.Add(new StoredCompanyKey(reader.GetString(0), reader.GetString(1), (byte[])reader.GetValue(2)));
        }

        return keys;
    }

    private async Task<IReadOnlyList<ProvisionedCompany>> ReadCompaniesAsync(string? company, CancellationToken cancellationToken)
    {
        await using var db = await OpenAsync(cancellationToken);
        var campaigns = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        await using (var command = Command(db, "SELECT company, campaign FROM campaigns" + (company is null ? "" : " WHERE company = @company") + " ORDER BY company, campaign"))
        {
            if (company is not null)
            {
                Add(command, "company", company);
            }

            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                var name = reader.GetString(0);
                (campaigns.TryGetValue(name, out var list) ? list : campaigns[name] = []).Add(reader.GetString(1));
            }
        }

        var companies = new List<ProvisionedCompany>();
        await using (var command = Command(db, SelectCompanies + (company is null ? "" : " WHERE company = @company") + " ORDER BY company"))
        {
            if (company is not null)
            {
                Add(command, "company", company);
            }

            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                var name = reader.GetString(0);
                var objects = reader.IsDBNull(1) ? null : JsonSerializer.Deserialize<ProvisionedObjects>(reader.GetString(1), ObjectsJson);
                LastProvisioningRun? run = reader.IsDBNull(3) ? null : new LastProvisioningRun(
                    reader.GetString(3),
                    WireStatus(reader.GetString(4)),
                    reader.IsDBNull(5) ? null : reader.GetString(5),
                    ReadTime(reader, 6),
                    reader.IsDBNull(7) ? null : reader.GetString(7),
                    reader.IsDBNull(8) ? null : reader.GetString(8),
                    reader.IsDBNull(9) ? null : reader.GetString(9));
                companies.Add(new ProvisionedCompany(name, objects, reader.IsDBNull(2) ? null : ReadTime(reader, 2),
                    campaigns.TryGetValue(name, out var list) ? list : [], run));
            }
        }

        return companies;
    }

    private static RunStatus WireStatus(string text) =>
        Hosting.Json.WireName<RunStatus>.TryParse(text, out var status) ? status : throw new InvalidOperationException($"unknown run status '{text}' in the provisioning store");

    private async Task WriteAsync(Func<DbConnection, DbTransaction, Task> write, CancellationToken cancellationToken)
    {
        using var queued = await EnterWriteAsync(cancellationToken);
        await using var db = await OpenAsync(cancellationToken);
        await using var tx = await db.BeginTransactionAsync(cancellationToken);
        await write(db, tx);
        await tx.CommitAsync(cancellationToken);
    }

    private void AddCompany(DbCommand command, string company, string? objects, DateTimeOffset? provisionedAt, LastProvisioningRun run)
    {
        Add(command, "company", company);
        Add(command, "objects", objects);
        Add(command, "provisioned_at", provisionedAt is { } at ? ToDb(at) : null);
        Add(command, "run_id", run.Id);
        Add(command, "run_status", run.Status.Wire());
        Add(command, "run_campaign", run.Campaign);
        Add(command, "run_at", ToDb(run.FinishedAt));
        Add(command, "run_step", run.Step);
        Add(command, "run_message", run.Message);
        Add(command, "run_error", run.Error);
    }

    protected static DbCommand Command(DbConnection db, string sql, DbTransaction? tx = null)
    {
        var command = db.CreateCommand();
        command.CommandText = sql;
        command.Transaction = tx;
        return command;
    }

    private static void Add(DbCommand command, string name, object? value)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = "@" + name;
        parameter.Value = value ?? DBNull.Value;
        command.Parameters.Add(parameter);
    }
}
