using PowerView.Api.Hosting.Storage;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using PowerView.Api.Runs;
using PowerView.Api.Runs.Retention;
using PowerView.Api.Runs.Storage;
using PowerView.Api.Tests.Infrastructure;
using static PowerView.Api.Tests.Infrastructure.RunsApi;

namespace PowerView.Api.Tests.Runs;

/// <summary>
/// What only the shared store has: its schema is versioned in the database and migrated once however many instances
/// start together, a database from a newer release is refused, several hosts answer from one history, and a lease
/// is exclusive across them. The answers themselves are the contract tests', run on both stores.
/// </summary>
public sealed class PostgreSqlRunStoreTests(SharedPostgreSql shared)
{
    private const string Schema = PostgreSqlRunStoreSchema.Schema;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task ANewDatabaseGetsEveryMigrationInOrderAndATableForEveryMappedColumn()
    {
        var database = await NewDatabaseAsync();
        using var store = Store(database);

        await store.InitializeAsync(Ct);

        Assert.Equal(Enumerable.Range(1, PostgreSqlRunStoreSchema.Migrations.Count), PostgreSqlRunStoreSchema.Migrations.Select(m => m.Version));
        Assert.Equal(PostgreSqlRunStoreSchema.Migrations.Select(m => m.Version), await ColumnAsync<int>(database, $"SELECT version FROM {Schema}.schema_migrations ORDER BY version"));
        // Every column the shared mapping writes exists (a counter added to RunColumns needs a migration here too).
        var columns = await ColumnAsync<string>(database, $"SELECT column_name FROM information_schema.columns WHERE table_schema = '{Schema}' AND table_name = 'runs'");
        Assert.Empty(RunColumns.Runs.Select(c => c.Name).Except(columns));
        Assert.Equal(["campaigns", "daily", "devices", "runs", "schema_migrations"],
            (await ColumnAsync<string>(database, $"SELECT table_name FROM information_schema.tables WHERE table_schema = '{Schema}'")).Order());
    }

    [Fact]
    public async Task InstancesStartingTogetherOnAnEmptyDatabaseMigrateItOnce()
    {
        var database = await NewDatabaseAsync();
        var stores = Enumerable.Range(0, 4).Select(_ => Store(database)).ToList();

        try
        {
            await Task.WhenAll(stores.Select(s => Task.Run(() => s.InitializeAsync(Ct), Ct)));
            await stores[0].InitializeAsync(Ct);
        }
        finally
        {
            stores.ForEach(s => s.Dispose());
        }

        Assert.Equal(PostgreSqlRunStoreSchema.Migrations.Select(m => m.Version), (await ColumnAsync<int>(database, $"SELECT version FROM {Schema}.schema_migrations")).Order());
        // Without the advisory lock the ones that lost the race failed on CREATE SCHEMA / CREATE TABLE.
        Assert.Empty(shared.Server.ErrorsIn(database));
    }

    [Fact]
    public async Task ADatabaseAtVersionOneGetsTheLaterMigrationsAndKeepsItsRuns()
    {
        var database = await NewDatabaseAsync();
        using var store = Store(database);
        await using (var db = await OpenAsync(database))
        {
            await PostgreSqlMigrations.ApplyAsync(db, Schema, PostgreSqlRunStoreSchema.Migrations.Take(1).ToList(), "v1", NullLogger.Instance, Ct);
        }

        // A run as a version-1 release wrote it: the columns of that time only.
        var old = Ingest(T0, points: 600);
        await using (var db = await OpenAsync(database))
        {
            // Columns added by later migrations: 2 clock_not_set_rows, 3 write_retries.
            string[] later = ["clock_not_set_rows", "write_retries"];
            var columns = RunColumns.Runs.Where(c => !later.Contains(c.Name)).ToList();
            await using var insert = new NpgsqlCommand(
                $"INSERT INTO {Schema}.runs ({string.Join(", ", columns.Select(c => c.Name))}) VALUES ({string.Join(", ", columns.Select(c => "@" + c.Name))})", db);
            foreach (var (name, value) in columns)
            {
                insert.Parameters.Add(value(old) switch
                {
                    DateTimeOffset time => new NpgsqlParameter(name, NpgsqlTypes.NpgsqlDbType.TimestampTz) { Value = time.ToUniversalTime() },
                    string json when name == "report" => new NpgsqlParameter(name, NpgsqlTypes.NpgsqlDbType.Json) { Value = json },
                    null => new NpgsqlParameter(name, DBNull.Value),
                    var v => new NpgsqlParameter(name, v),
                });
            }

            await insert.ExecuteNonQueryAsync(Ct);
        }

        await store.InitializeAsync(Ct);

        Assert.Equal(PostgreSqlRunStoreSchema.Migrations[^1].Version, (await ColumnAsync<int>(database, $"SELECT MAX(version) FROM {Schema}.schema_migrations")).Single());
        var listed = Assert.Single(await store.ListRunsAsync(new RunQuery(), Ct));
        Assert.Equal((old.Id, 600L, 0L), (listed.Id, listed.PointsWritten, listed.ClockNotSetRows));
        // Version 2's counter: the runs recorded before it count 0.
        Assert.Equal([0L], await ColumnAsync<long>(database, $"SELECT clock_not_set_rows FROM {Schema}.runs"));
        // Version 3's counter too.
        Assert.Equal([0L], await ColumnAsync<long>(database, $"SELECT write_retries FROM {Schema}.runs"));
    }

    [Fact]
    public async Task ADatabaseFromANewerReleaseIsRefusedWithItsVersionAndWhereItIs()
    {
        var database = await NewDatabaseAsync();
        using (var first = Store(database))
        {
            await first.InitializeAsync(Ct);
            await first.RecordAsync(Ingest(T0), Ct);
        }

        await ExecuteAsync(database, $"INSERT INTO {Schema}.schema_migrations (version, description) VALUES (999, 'from the future')");
        using var store = Store(database);

        var ex = await Assert.ThrowsAsync<InvalidOperationException>(() => store.InitializeAsync(Ct));

        Assert.Contains("schema version 999", ex.Message, StringComparison.Ordinal);
        Assert.Contains($"{Schema} in database {new NpgsqlConnectionStringBuilder(database).Database} on 127.0.0.1", ex.Message, StringComparison.Ordinal);
        Assert.Equal([1L], await ColumnAsync<long>(database, $"SELECT COUNT(*) FROM {Schema}.runs"));
    }

    [Fact]
    public async Task TwoInstancesOnOneDatabaseAnswerTheSameForRunsTheOtherRecorded()
    {
        var settings = await RunStoreKind.PostgreSql(shared).NewStoreAsync();
        using var folderA = new TempFolder();
        using var folderB = new TempFolder();
        await using var a = new PowerViewApplication(folderA, settings);
        await using var b = new PowerViewApplication(folderB, settings);
        var byA = Ingest(T0, file: "T302_a.tsv", points: 600);
        byA = byA with { Warnings = ["recorded by A"], Counters = byA.Counters with { WriteRetries = 3 } };
        var byB = Ingest(T0.AddMinutes(1), file: "T302_b.tsv", status: RunStatus.Error, error: "bad header");
        await a.RecordAsync(byA);
        await b.RecordAsync(byB);
        using var clientA = a.CreateClient(PowerViewApplication.AdminKey);
        using var clientB = b.CreateClient(PowerViewApplication.AdminKey);

        foreach (var url in new[] { "/api/runs", "/api/errors", "/api/campaigns/acme/site1", "/api/stats/daily?from=2026-01-01&to=2026-01-31", $"/api/runs/{byA.Id}", $"/api/runs/{byB.Id}" })
        {
            Assert.Equal((await clientA.GetJsonAsync(url)).ToString(), (await clientB.GetJsonAsync(url)).ToString());
        }

        Assert.Equal("recorded by A", (await clientB.GetJsonAsync($"/api/runs/{byA.Id}")).GetProperty("warnings")[0].GetString());
        Assert.Equal(3, (await clientB.GetJsonAsync($"/api/runs/{byA.Id}")).GetProperty("writeRetries").GetInt32());
        Assert.Equal([byB.Id, byA.Id], (await clientA.GetRunsAsync("/api/runs")).Ids());
        var campaign = await clientA.GetJsonAsync("/api/campaigns/acme/site1");
        Assert.Equal(("T302_a.tsv", "T302_b.tsv", 2L), (campaign.GetProperty("lastSuccessFile").GetString(), campaign.GetProperty("lastErrorFile").GetString(), campaign.GetProperty("runs").GetInt64()));
        // The next attempt of a file counts the runs every instance recorded.
        Assert.Equal(2, await b.Services.GetRequiredService<RunRecorder>().NextAttemptAsync("acme", "site1", "02000800", "T302_a.tsv", Ct));
    }

    [Fact]
    public async Task ALeaseIsExclusiveAcrossInstancesAndFreeOnceReleasedOrItsSessionEnds()
    {
        var database = await NewDatabaseAsync();
        using var one = Store(database);
        using var two = Store(database);

        var held = await one.TryLeaseAsync("reconcile", Ct);
        var refused = await two.TryLeaseAsync("reconcile", Ct);
        var other = await two.TryLeaseAsync("retention", Ct);
        Assert.NotNull(held);
        Assert.Null(refused);
        Assert.NotNull(other);
        await held.DisposeAsync();
        var after = await two.TryLeaseAsync("reconcile", Ct);
        Assert.NotNull(after);

        // The holder's session ends (its process died, say): the lock goes with it.
        await ExecuteAsync(database, $"SELECT pg_terminate_backend(pid) FROM pg_locks WHERE locktype = 'advisory' AND objid = hashtext('{PostgreSqlRunStore.LeaseKey("reconcile")}')::oid");
        var taken = await one.TryLeaseAsync("reconcile", Ct);
        Assert.NotNull(taken);
        await taken.DisposeAsync();
        // Releasing a lease whose session was terminated is harmless.
        await after.DisposeAsync();
        await other.DisposeAsync();
    }

    [Fact]
    public async Task WhileAnotherInstancePurgesTheStoreAPurgeDeletesOnlyItsOwnReportFolders()
    {
        var settings = await RunStoreKind.PostgreSql(shared).NewStoreAsync();
        settings["Runs:RetentionDays"] = "30";
        using var folder = new TempFolder();
        await using var app = new PowerViewApplication(folder, settings);
        var retention = app.Services.GetRequiredService<RunRetention>();
        // The service's own start-up purge is over before the test's history is laid out (the next is an hour away).
        await app.Logs.WaitForPurgeAsync(1);
        var expired = Ingest(DateTimeOffset.UtcNow.AddDays(-40));
        var reportFolder = Directory.CreateDirectory(Path.Combine(folder.StateDir, "reports", expired.StartedAt.UtcDateTime.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture))).FullName;
        await app.RecordAsync(expired);
        using var other = Store(settings["ConnectionStrings:Runs"]!);

        PurgeSummary whileHeld;
        await using (var lease = await other.TryLeaseAsync(RunRetention.Task, Ct))
        {
            Assert.NotNull(lease);
            whileHeld = await retention.PurgeAsync(Ct);
        }

        var afterwards = await retention.PurgeAsync(Ct);

        Assert.Equal((false, 0, 1), (whileHeld.StorePurged, whileHeld.RunsDeleted, whileHeld.ReportFoldersDeleted));
        Assert.False(Directory.Exists(reportFolder));
        Assert.Equal((true, 1), (afterwards.StorePurged, afterwards.RunsDeleted));
        Assert.Null(await app.Services.GetRequiredService<IRunStore>().GetAsync(expired.Id, Ct));
    }

    private async Task<string> NewDatabaseAsync()
    {
        shared.Server.Require();
        return await shared.Server.CreateDatabaseAsync();
    }

    private static PostgreSqlRunStore Store(string database) =>
        new(new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["ConnectionStrings:Runs"] = database }).Build(),
            NullLogger<PostgreSqlRunStore>.Instance);

    private static async Task<NpgsqlConnection> OpenAsync(string database)
    {
        var connection = new NpgsqlConnection(database);
        await connection.OpenAsync(Ct);
        return connection;
    }

    private static async Task ExecuteAsync(string database, string sql)
    {
        await using var connection = await OpenAsync(database);
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync(Ct);
    }

    private static async Task<List<T>> ColumnAsync<T>(string database, string sql)
    {
        await using var connection = await OpenAsync(database);
        await using var command = new NpgsqlCommand(sql, connection);
        await using var reader = await command.ExecuteReaderAsync(Ct);
        var values = new List<T>();
        while (await reader.ReadAsync(Ct))
        {
            values.Add(reader.GetFieldValue<T>(0));
        }

        return values;
    }
}
