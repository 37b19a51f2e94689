using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging.Abstractions;
using PowerView.Api.Configuration;
using PowerView.Api.Runs;
using PowerView.Api.Runs.Contracts;
using PowerView.Api.Runs.Storage;
using PowerView.Api.Tests.Infrastructure;
using static PowerView.Api.Tests.Infrastructure.RunsApi;

namespace PowerView.Api.Tests.Runs;

/// <summary>
/// A <c>runs.db</c> made by a release before the clock-not-set counter (schema version 1) opens with its runs and
/// gains the column (migration 2).
/// </summary>
public sealed class RunStoreMigrationTests
{
    /// <summary>The columns version 1 has: every column of today's mapping but the ones later migrations added.</summary>
    private static readonly string[] AddedAfterV1 = ["clock_not_set_rows"];

    [Fact]
    public async Task AVersion1StoreGetsTheClockNotSetColumnAndKeepsItsRuns()
    {
        var ct = TestContext.Current.CancellationToken;
        using var folder = new TempFolder();
        var paths = new PowerViewPaths(folder.DataRoot, folder.StateDir);
        var old = Ingest(T0) with { Counters = new RunCounters { LinesTotal = 40, RowsIngested = 38, InvalidTimestamps = 2, PointsWritten = 228, ChannelCount = 6 } };
        await CreateVersion1StoreAsync(paths.RunStoreFile(), old, ct);

        using var store = new SqliteRunStore(paths, NullLogger<SqliteRunStore>.Instance);
        await store.InitializeAsync(ct);

        await using (var db = new SqliteConnection($"Data Source={paths.RunStoreFile()}"))
        {
            await db.OpenAsync(ct);
            Assert.Equal(2L, await ScalarAsync(db, "PRAGMA user_version", ct));
            Assert.Equal(1L, await ScalarAsync(db, "SELECT COUNT(*) FROM pragma_table_info('runs') WHERE name = 'clock_not_set_rows'", ct));
        }

        var listed = Assert.Single(await store.ListRunsAsync(new RunQuery(), ct));
        Assert.Equal((old.Id, 0L, 2L, 228L), (listed.Id, listed.ClockNotSetRows, listed.LinesIgnored, listed.PointsWritten));
        var report = await store.GetAsync(old.Id, ct);
        Assert.Equal((0L, 2L, (string?)null), (report!.ClockNotSetRows, report.InvalidTimestamps, report.TimeZone));

        // New runs record their counter next to the old ones.
        var fresh = Ingest(T0.AddMinutes(1)) with { Counters = new RunCounters { LinesTotal = 5, ClockNotSetRows = 3, RowsIngested = 2, PointsWritten = 12, ChannelCount = 6 } };
        await store.RecordAsync(fresh, ct);
        var runs = await store.ListRunsAsync(new RunQuery(), ct);
        Assert.Equal([(fresh.Id, 3L, 3L), (old.Id, 0L, 2L)], runs.Select(r => (r.Id, r.ClockNotSetRows, r.LinesIgnored)));
    }

    [Fact]
    public async Task OpeningAMigratedStoreAgainChangesNothing()
    {
        var ct = TestContext.Current.CancellationToken;
        using var folder = new TempFolder();
        var paths = new PowerViewPaths(folder.DataRoot, folder.StateDir);
        await CreateVersion1StoreAsync(paths.RunStoreFile(), Ingest(T0), ct);
        using (var first = new SqliteRunStore(paths, NullLogger<SqliteRunStore>.Instance))
        {
            await first.InitializeAsync(ct);
        }

        using var second = new SqliteRunStore(paths, NullLogger<SqliteRunStore>.Instance);
        await second.InitializeAsync(ct);

        Assert.Single(await second.ListRunsAsync(new RunQuery(), ct));
    }

    /// <summary>
    /// What an earlier release left: migration 1 only (through the store's own list), and a run written with the
    /// columns and the report keys of that time.
    /// </summary>
    private static async Task CreateVersion1StoreAsync(string file, RunRecord run, CancellationToken ct)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(file)!);
        await using var db = new SqliteConnection($"Data Source={file}");
        await db.OpenAsync(ct);
        var v1 = SqliteRunStoreSchema.Migrations.Where(m => m.Version == 1).ToList();
        await SqliteMigrations.ApplyAsync(db, v1, "a version 1 store", NullLogger.Instance, ct);

        var report = JsonNode.Parse(JsonSerializer.Serialize(RunDetail.From(run), RunsJson.Stored))!.AsObject();
        foreach (var added in new[] { "clockNotSetRows", "timeZoneSource", "timeZoneRules" })
        {
            Assert.True(report.Remove(added), $"the report has no '{added}' to remove");
        }

        var columns = RunColumns.Runs.Where(c => !AddedAfterV1.Contains(c.Name)).ToList();
        await using var insert = db.CreateCommand();
        insert.CommandText = $"INSERT INTO runs ({string.Join(", ", columns.Select(c => c.Name))}) VALUES ({string.Join(", ", columns.Select(c => "@" + c.Name))})";
        foreach (var (name, value) in columns)
        {
            insert.Parameters.AddWithValue("@" + name, name == "report" ? report.ToJsonString() : SqliteTypes.ToDb(value(run)));
        }

        await insert.ExecuteNonQueryAsync(ct);
        SqliteConnection.ClearPool(db);
    }

    private static async Task<long> ScalarAsync(SqliteConnection db, string sql, CancellationToken ct)
    {
        await using var command = db.CreateCommand();
        command.CommandText = sql;
        return (long)(await command.ExecuteScalarAsync(ct))!;
    }
}
