using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging.Abstractions;
using PowerView.Api.Configuration;
using PowerView.Api.Runs;
using PowerView.Api.Runs.Storage;
using PowerView.Api.Tests.Infrastructure;

namespace PowerView.Api.Tests.Runs;

/// <summary>
/// The run store's schema is versioned: a <c>runs.db</c> written by the release before versioning opens with its
/// history, gets every later migration, and a file from a newer release is refused with a clear message.
/// </summary>
public sealed class RunStoreMigrationTests
{
    private static readonly string V1 = Path.Combine(AppContext.BaseDirectory, "TestData", "runstore", "runs-v1.db");

    /// <summary>Read from the file with plain SQL, so the expectation does not come from the store's own reader.</summary>
    private static List<(string Id, string Kind, string Status, long Points)> RawRuns(string file)
    {
        using var db = new SqliteConnection($"Data Source={file};Mode=ReadOnly;Pooling=False");
        db.Open();
        using var command = db.CreateCommand();
        command.CommandText = "SELECT id, kind, status, points_written FROM runs ORDER BY started_at, rowid";
        using var reader = command.ExecuteReader();
        var rows = new List<(string, string, string, long)>();
        while (reader.Read())
        {
            rows.Add((reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetInt64(3)));
        }

        return rows;
    }

    private static List<long> RawColumn(string file, string column)
    {
        using var db = new SqliteConnection($"Data Source={file};Mode=ReadOnly;Pooling=False");
        db.Open();
        using var command = db.CreateCommand();
        command.CommandText = $"SELECT {column} FROM runs ORDER BY started_at, rowid";
        using var reader = command.ExecuteReader();
        var values = new List<long>();
        while (reader.Read())
        {
            values.Add(reader.GetInt64(0));
        }

        return values;
    }

    private static long UserVersion(string file)
    {
        using var db = new SqliteConnection($"Data Source={file};Mode=ReadOnly;Pooling=False");
        db.Open();
        using var command = db.CreateCommand();
        command.CommandText = "PRAGMA user_version";
        return (long)command.ExecuteScalar()!;
    }

    private static SqliteRunStore StoreIn(TempFolder folder) =>
        new(new PowerViewPaths(folder.DataRoot, folder.StateDir), NullLogger<SqliteRunStore>.Instance);

    [Fact]
    public async Task ARunStoreWrittenBeforeVersioningOpensWithItsHistoryAndReachesTheLatestVersion()
    {
        using var folder = new TempFolder();
        var file = Path.Combine(folder.StateDir, "runs.db");
        File.Copy(V1, file);
        var before = RawRuns(file);
        var ct = TestContext.Current.CancellationToken;

        using (var store = StoreIn(folder))
        {
            await store.InitializeAsync(ct);
            var listed = await store.ListRunsAsync(new RunQuery { Limit = RunQuery.MaxLimit }, ct);
            var campaigns = await store.ListCampaignsAsync(new CampaignQuery(), ct);
            var first = await store.GetAsync(before[0].Id, ct);

            Assert.Equal(before.Select(r => r.Id).Reverse(), listed.Select(r => r.Id));
            Assert.Equal(before.Select(r => (r.Kind, r.Status, r.Points)).Reverse(),
                listed.Select(r => (r.Kind.Wire(), r.Status.Wire(), r.PointsWritten)));
            Assert.Equal(["acme/site-a", "acme/site-b", "company1/campaign1"], campaigns.Select(c => $"{c.Company}/{c.Campaign}"));
            // The old report JSON (flat counters, string enums) reads back into today's answer.
            Assert.NotNull(first);
            Assert.Equal((RunKind.Ingest, RunStatus.Success, 228L, 38L), (first.Kind, first.Status, first.PointsWritten, first.LinesTotal));
            Assert.Equal(6, first.Channels.Count);
            Assert.Equal(230.23, first.Channels[0].Min);
        }

        Assert.Equal(SqliteRunStoreSchema.Migrations[^1].Version, UserVersion(file));
        Assert.Equal(before.Select(r => r.Id), RawRuns(file).Select(r => r.Id));
        // Migration 2: the clock-not-set counter, 0 for the runs that came before it.
        Assert.Equal(Enumerable.Repeat(0L, before.Count), RawColumn(file, "clock_not_set_rows"));
    }

    [Fact]
    public async Task ARunRecordedAfterTheMigrationSitsBesideTheOldOnes()
    {
        using var folder = new TempFolder();
        File.Copy(V1, Path.Combine(folder.StateDir, "runs.db"));
        var ct = TestContext.Current.CancellationToken;
        using var store = StoreIn(folder);
        await store.InitializeAsync(ct);
        var run = RunsApi.Ingest(DateTimeOffset.UtcNow, company: "company1", campaign: "campaign1", device: "02001171", points: 600) with
        {
            Counters = new RunCounters { LinesTotal = 103, ClockNotSetRows = 3, RowsIngested = 100, PointsWritten = 600, ChannelCount = 6 },
        };

        await store.RecordAsync(run, ct);

        var campaign = await store.GetCampaignAsync("company1", "campaign1", ct);
        Assert.Equal((3L, 1L, 4290L + 600L), (campaign!.Runs, campaign.Errors, campaign.PointsWritten));
        Assert.Equal(run.Id, campaign.LastRunId);
        var runs = await store.ListRunsAsync(new RunQuery { Limit = RunQuery.MaxLimit }, ct);
        Assert.Equal(11, runs.Count);
        Assert.Equal((3L, 3L), (runs[0].ClockNotSetRows, runs[0].LinesIgnored));
        Assert.All(runs.Skip(1), r => Assert.Equal(0L, r.ClockNotSetRows));
    }

    [Fact]
    public async Task MigratingTwiceOrFromTwoStoresAtOnceChangesNothingMore()
    {
        using var folder = new TempFolder();
        var file = Path.Combine(folder.StateDir, "runs.db");
        File.Copy(V1, file);
        var ct = TestContext.Current.CancellationToken;
        using var one = StoreIn(folder);
        using var two = StoreIn(folder);

        await Task.WhenAll(one.InitializeAsync(ct), two.InitializeAsync(ct));
        await one.InitializeAsync(ct);

        Assert.Equal(SqliteRunStoreSchema.Migrations[^1].Version, UserVersion(file));
        Assert.Equal(10, RawRuns(file).Count);
    }

    [Fact]
    public async Task AStoreFromANewerReleaseIsRefusedWithItsVersionAndPath()
    {
        using var folder = new TempFolder();
        var file = Path.Combine(folder.StateDir, "runs.db");
        File.Copy(V1, file);
        using (var db = new SqliteConnection($"Data Source={file};Pooling=False"))
        {
            db.Open();
            using var command = db.CreateCommand();
            command.CommandText = "PRAGMA user_version = 999";
            command.ExecuteNonQuery();
        }

        using var store = StoreIn(folder);
        var ex = await Assert.ThrowsAsync<InvalidOperationException>(() => store.InitializeAsync(TestContext.Current.CancellationToken));

        Assert.Contains(file, ex.Message, StringComparison.Ordinal);
        Assert.Contains("schema version 999", ex.Message, StringComparison.Ordinal);
        Assert.Equal(10, RawRuns(file).Count);
    }

    [Fact]
    public async Task ANewStoreGetsEveryMigrationInOrder()
    {
        using var folder = new TempFolder();
        using var store = StoreIn(folder);

        await store.InitializeAsync(TestContext.Current.CancellationToken);

        var file = Path.Combine(folder.StateDir, "runs.db");
        Assert.Equal(SqliteRunStoreSchema.Migrations[^1].Version, UserVersion(file));
        Assert.Equal(Enumerable.Range(1, SqliteRunStoreSchema.Migrations.Count), SqliteRunStoreSchema.Migrations.Select(m => m.Version));
        Assert.Empty(RawRuns(file));
    }
}
