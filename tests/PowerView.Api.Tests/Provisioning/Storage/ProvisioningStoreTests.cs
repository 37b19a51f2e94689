using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Npgsql;
using PowerView.Api.Configuration;
using PowerView.Api.Provisioning;
using PowerView.Api.Provisioning.Storage;
using PowerView.Api.Runs;
using PowerView.Api.Tests.Infrastructure;
using PowerView.Api.Tests.Infrastructure.Doubles;
using PowerView.Api.Tests.Infrastructure.Servers;

namespace PowerView.Api.Tests.Provisioning.Storage;

/// <summary>The provisioning store's contract, written once and run on each engine (a derived class each).</summary>
public abstract class ProvisioningStoreTests : IDisposable
{
    private static readonly DateTimeOffset T0 = new(2026, 1, 5, 10, 0, 0, TimeSpan.Zero);

    private readonly List<IDisposable> _owned = [];

    protected static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>A new, empty store, migrated.</summary>
    private protected abstract Task<IProvisioningStore> NewStoreAsync();

    /// <summary>A second store object over the same database (another instance of the service).</summary>
    private protected abstract IProvisioningStore SameStore(IProvisioningStore store);

    private protected T Own<T>(T disposable)
        where T : IDisposable
    {
        _owned.Add(disposable);
        return disposable;
    }

    public void Dispose()
    {
        foreach (var d in _owned)
        {
            d.Dispose();
        }

        CleanUp();
        GC.SuppressFinalize(this);
    }

    private protected virtual void CleanUp()
    {
    }

    [Fact]
    public async Task ASuccessIsRememberedWithItsObjectsCampaignAndRun()
    {
        var store = await NewStoreAsync();

        await store.SaveProvisionedAsync("acme", "site-a", Objects("org-1"), Run("r1", RunStatus.Success, T0, "site-a"), Ct);
        var acme = await store.GetAsync("acme", Ct);

        Assert.NotNull(acme);
        // Every field, the lists' items included (records compare lists by reference).
        Assert.Equal(System.Text.Json.JsonSerializer.Serialize(Objects("org-1")), System.Text.Json.JsonSerializer.Serialize(acme.Objects));
        Assert.Equal(T0, acme.ProvisionedAt);
        Assert.Equal(["site-a"], acme.Campaigns);
        Assert.Equal(Run("r1", RunStatus.Success, T0, "site-a"), acme.LastRun);
        Assert.Null(await store.GetAsync("globex", Ct));
    }

    [Fact]
    public async Task AFailureChangesTheLastRunOnlyAndAnOlderRunNeverReplacesANewerOne()
    {
        var store = await NewStoreAsync();
        await store.SaveProvisionedAsync("acme", "site-a", Objects("org-1"), Run("r1", RunStatus.Success, T0, "site-a"), Ct);

        await store.SaveRunAsync("acme", Run("r2", RunStatus.Error, T0.AddMinutes(5), "site-b", "grafana-team", "Grafana answered 500"), Ct);
        var afterFailure = await store.GetAsync("acme", Ct);
        // Finished before r2 (another instance, slower): r2 stays the last run, and its objects do not replace newer ones.
        await store.SaveProvisionedAsync("acme", "site-c", Objects("org-old"), Run("r0", RunStatus.Success, T0.AddMinutes(-1), "site-c"), Ct);
        var afterLate = await store.GetAsync("acme", Ct);

        Assert.Equal(Objects("org-1").FolderUid, afterFailure!.Objects!.FolderUid);
        Assert.Equal(T0, afterFailure.ProvisionedAt);
        Assert.Equal(["site-a"], afterFailure.Campaigns);
        Assert.Equal(Run("r2", RunStatus.Error, T0.AddMinutes(5), "site-b", "grafana-team", "Grafana answered 500"), afterFailure.LastRun);
        Assert.Equal("r2", afterLate!.LastRun!.Id);
        Assert.Equal(Objects("org-1").FolderUid, afterLate.Objects!.FolderUid);
        Assert.Equal(T0, afterLate.ProvisionedAt);
        // The campaign was provisioned all the same.
        Assert.Equal(["site-a", "site-c"], afterLate.Campaigns);
    }

    [Fact]
    public async Task ACompanyIsProvisionedOnlyAfterASuccessAndACampaignOnlyOnceNamedByOne()
    {
        var store = await NewStoreAsync();
        await store.SaveRunAsync("acme", Run("r1", RunStatus.Error, T0, "site-a", "grafana-team", "down"), Ct);
        var afterFailure = (await store.IsProvisionedAsync("acme", null, Ct), await store.IsProvisionedAsync("acme", "site-a", Ct));
        await store.SaveProvisionedAsync("acme", null, Objects("org-1"), Run("r2", RunStatus.Success, T0.AddMinutes(1), null), Ct);
        var afterCompany = (await store.IsProvisionedAsync("acme", null, Ct), await store.IsProvisionedAsync("acme", "site-a", Ct));
        await store.SaveProvisionedAsync("acme", "site-a", Objects("org-1"), Run("r3", RunStatus.Success, T0.AddMinutes(2), "site-a"), Ct);

        Assert.Equal((false, false), afterFailure);
        Assert.Equal((true, false), afterCompany);
        Assert.True(await store.IsProvisionedAsync("acme", "site-a", Ct));
        Assert.False(await store.IsProvisionedAsync("globex", null, Ct));
        Assert.False(await store.IsProvisionedAsync("Acme", null, Ct));
        var listed = await store.ListAsync(Ct);
        Assert.Equal(["acme"], listed.Select(c => c.Company));
    }

    [Fact]
    public async Task ListedCompaniesComeByNameWithTheirOwnCampaigns()
    {
        var store = await NewStoreAsync();
        await store.SaveProvisionedAsync("globex", "x", Objects("org-2"), Run("r1", RunStatus.Success, T0, "x"), Ct);
        await store.SaveProvisionedAsync("acme", "site-b", Objects("org-1"), Run("r2", RunStatus.Success, T0, "site-b"), Ct);
        await store.SaveProvisionedAsync("acme", "site-a", Objects("org-1"), Run("r3", RunStatus.Success, T0.AddSeconds(1), "site-a"), Ct);
        await store.SaveRunAsync("initech", Run("r4", RunStatus.Skipped, T0, null, "company", "Grafana is not configured"), Ct);

        var listed = await store.ListAsync(Ct);

        Assert.Equal(["acme", "globex", "initech"], listed.Select(c => c.Company));
        Assert.Equal(["site-a", "site-b"], listed[0].Campaigns);
        Assert.Equal(["x"], listed[1].Campaigns);
        Assert.Null(listed[2].Objects);
        Assert.Null(listed[2].ProvisionedAt);
        Assert.Equal(RunStatus.Skipped, listed[2].LastRun!.Status);
    }

    [Fact]
    public async Task KeyHashesAreAddedListedAndRemovedPerCompany()
    {
        var store = await NewStoreAsync();
        var hashA = System.Security.Cryptography.SHA256.HashData("key-a"u8);
        var hashB = System.Security.Cryptography.SHA256.HashData("key-b"u8);
        await store.AddKeyAsync(new StoredCompanyKey("ck_1", "acme", hashA), T0, Ct);
        await store.AddKeyAsync(new StoredCompanyKey("ck_2", "globex", hashB), T0, Ct);

        // Another company cannot remove acme's key by its id.
        await store.RemoveKeyAsync("globex", "ck_1", Ct);
        var both = await store.ListKeysAsync(Ct);
        await store.RemoveKeyAsync("acme", "ck_1", Ct);
        await store.RemoveKeyAsync("acme", "ck_unknown", Ct);

        Assert.Equal([("ck_1", "acme"), ("ck_2", "globex")], both.Select(k => (k.Id, k.Company)));
        Assert.Equal(hashA, both[0].Sha256);
        var left = Assert.Single(await store.ListKeysAsync(Ct));
        Assert.Equal(("ck_2", "globex"), (left.Id, left.Company));
        Assert.Equal(hashB, left.Sha256);
    }

    [Fact]
    public async Task AKeyMadeByAnotherInstanceIsAcceptedOnceReadAgainButNotReadAgainForEveryWrongKey()
    {
        var store = await NewStoreAsync();
        var clock = new FakeTimeProvider(T0);
        var here = Own(new CompanyKeyStore(store, clock, NullLogger<CompanyKeyStore>.Instance));
        var there = Own(new CompanyKeyStore(SameStore(store), clock, NullLogger<CompanyKeyStore>.Instance));
        var hash = System.Security.Cryptography.SHA256.HashData("pvc_made-there"u8);
        Assert.Null(await here.FindCompanyAsync(hash, Ct));

        await there.AddAsync("acme", hash, Ct);
        var atOnce = await here.FindCompanyAsync(hash, Ct);
        clock.Advance(TimeSpan.FromSeconds(5));
        var later = await here.FindCompanyAsync(hash, Ct);
        var madeHere = await there.FindCompanyAsync(hash, Ct);

        Assert.Null(atOnce);
        Assert.Equal("acme", later);
        Assert.Equal("acme", madeHere);
        Assert.Null(await here.FindCompanyAsync(System.Security.Cryptography.SHA256.HashData("pvc_other"u8), Ct));
    }

    [Fact]
    public async Task MigratingAgainChangesNothing()
    {
        var store = await NewStoreAsync();
        await store.SaveProvisionedAsync("acme", "site-a", Objects("org-1"), Run("r1", RunStatus.Success, T0, "site-a"), Ct);

        await SameStore(store).InitializeAsync(Ct);

        Assert.Equal("r1", (await store.GetAsync("acme", Ct))!.LastRun!.Id);
        Assert.True(await store.PingAsync(Ct));
    }

    private static LastProvisioningRun Run(string id, RunStatus status, DateTimeOffset at, string? campaign, string? step = null, string? error = null) =>
        new(id, status, campaign, at, step, status == RunStatus.Success ? "created organization:acme" : null, error);

    private static ProvisionedObjects Objects(string folder) => new()
    {
        Tenancy = "organization",
        OrganizationId = 12,
        TeamId = 3,
        FolderUid = folder,
        InfluxDatasourceUid = folder + "-influx",
        ApiDatasourceUid = folder + "-api",
        TokenId = "0a1b",
        KeyId = "ck_1",
        Dashboards = [new(folder + "-overview", "acme — measurements")],
        Buckets = [new("acme", "b1"), new("acme_1h", "b2")],
        Tasks = [new("1h", "downsample_acme_1h", "t1")],
    };
}

public sealed class SqliteProvisioningStoreTests : ProvisioningStoreTests
{
    private readonly TempFolder _folder = new();

    private protected override async Task<IProvisioningStore> NewStoreAsync()
    {
        var store = (SqliteProvisioningStore)SameStore(null!);
        await store.InitializeAsync(Ct);
        return store;
    }

    private protected override IProvisioningStore SameStore(IProvisioningStore store) =>
        Own(new SqliteProvisioningStore(new PowerViewPaths(_folder.DataRoot, _folder.StateDir), NullLogger<SqliteProvisioningStore>.Instance));

    [Fact]
    public async Task TheStoreIsAFileOfItsOwnAtVersionOneAndANewerFileIsRefused()
    {
        var store = (SqliteProvisioningStore)await NewStoreAsync();

        Assert.Equal(Path.Combine(_folder.StateDir, "provisioning.db"), store.File);
        Assert.Equal(1L, await ScalarAsync(store.File, "PRAGMA user_version"));
        Assert.Equal(3L, await ScalarAsync(store.File, "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name IN ('companies', 'campaigns', 'company_keys')"));
        await ScalarAsync(store.File, "PRAGMA user_version = 99");
        var refused = await Assert.ThrowsAsync<InvalidOperationException>(() => SameStore(store).InitializeAsync(Ct));
        Assert.Contains("schema version 99", refused.Message, StringComparison.Ordinal);
    }

    private protected override void CleanUp()
    {
        SqliteConnection.ClearAllPools();
        _folder.Dispose();
    }

    private static async Task<object?> ScalarAsync(string file, string sql)
    {
        await using var db = new SqliteConnection($"Data Source={file};Pooling=false");
        await db.OpenAsync(Ct);
        await using var command = db.CreateCommand();
        command.CommandText = sql;
        return await command.ExecuteScalarAsync(Ct);
    }
}

public sealed class PostgreSqlProvisioningStoreTests(PostgreSqlServer pg) : ProvisioningStoreTests, IClassFixture<PostgreSqlServer>
{
    private string? _connectionString;

    private protected override async Task<IProvisioningStore> NewStoreAsync()
    {
        pg.Require();
        _connectionString = await pg.CreateDatabaseAsync();
        var store = SameStore(null!);
        await store.InitializeAsync(Ct);
        return store;
    }

    private protected override IProvisioningStore SameStore(IProvisioningStore store) =>
        Own(new PostgreSqlProvisioningStore(Options.Create(new ProvisioningStorageOptions { Storage = "PostgreSql", ConnectionString = _connectionString }),
            NullLogger<PostgreSqlProvisioningStore>.Instance));

    [Fact]
    public async Task TheStoreIsASchemaOfItsOwnAtVersionOne()
    {
        await NewStoreAsync();

        await using var db = new NpgsqlConnection(_connectionString);
        await db.OpenAsync(Ct);
        await using var tables = new NpgsqlCommand(
            "SELECT string_agg(table_name, ',' ORDER BY table_name) FROM information_schema.tables WHERE table_schema = 'powerview_provisioning'", db);
        await using var version = new NpgsqlCommand("SELECT MAX(version) FROM powerview_provisioning.schema_migrations", db);

        Assert.Equal("campaigns,companies,company_keys,schema_migrations", await tables.ExecuteScalarAsync(Ct));
        Assert.Equal(1, await version.ExecuteScalarAsync(Ct));
    }

    [Fact]
    public async Task TwoInstancesOnTheRunStoresKeysShareWhatIsProvisionedAndAcceptTheKeysEitherMade()
    {
        pg.Require();
        var database = await pg.CreateDatabaseAsync();
        var shared = new Dictionary<string, string?> { ["Runs:Storage"] = "PostgreSql", ["ConnectionStrings:Runs"] = database };
        using var folderA = new TempFolder();
        using var folderB = new TempFolder();
        await using var grafana = await GrafanaApiDouble.StartAsync();
        await using var influx = await InfluxApiDouble.StartAsync();
        await using var a = ProvisioningService.Create(folderA, grafana, influx, shared);
        await using var b = ProvisioningService.Create(folderB, grafana, influx, shared);
        using var clientA = await a.StartProvisioningAsync();
        using var clientB = await b.StartProvisioningAsync();

        await ProvisioningService.MkdirAsync(clientA, folderA, "acme/site-a");
        var run = await a.WaitForRunAsync(r => r.Kind == RunKind.Provision && r.Company == "acme");
        var orgId = grafana.OrganizationId("acme")!.Value;
        var apiUid = grafana.Datasources(orgId).Single(d => d.Str("type") == "yesoreyeram-infinity-datasource").Str("uid")!;
        var key = grafana.SecretOf(orgId, apiUid, "bearerToken")!;
        var seenByB = await ProvisioningService.GetAsync(clientB, "/api/companies/acme", PowerViewApplication.AdminKey);
        var keyOnB = await ProvisioningService.GetAsync(clientB, "/api/campaigns", key);

        Assert.Equal(RunStatus.Success, run.Status);
        Assert.Equal(200, seenByB.Status);
        Assert.Equal(run.Id, seenByB.Body.GetProperty("lastRunId").GetString());
        Assert.Equal(200, keyOnB.Status);
        Assert.False(File.Exists(Path.Combine(folderA.StateDir, "provisioning.db")));
    }
}
