using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Time.Testing;
using PowerView.Api.Runs.Retention;
using PowerView.Api.Runs.Storage;
using PowerView.Api.Runs;
using PowerView.Api.Tests.Infrastructure;
using static PowerView.Api.Tests.Infrastructure.RunsApi;

namespace PowerView.Api.Tests.Runs;

/// <summary>
/// Runs:RetentionDays: the history older than the retention goes (store rows, report folders of whole days);
/// the campaign, device and daily summaries, and everything that is not the history, stay.
/// </summary>
public abstract class RetentionTests(RunStoreKind store)
{
    /// <summary>How many runs the store deletes per statement: the test deletes more than two batches.</summary>
    protected abstract int DeleteBatchSize { get; }

    private static readonly DateTimeOffset Now = new(2026, 6, 15, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task TheStoreDeletesRunsStartedBeforeTheCutoffInBatchesAndKeepsTheSummaries()
    {
        using var folder = new TempFolder();
        await using var app = await store.NewAppAsync(folder, NoSweep);
        var runs = app.Services.GetRequiredService<IRunStore>();
        var ct = TestContext.Current.CancellationToken;
        // More than two batches of old runs, a minute apart, the newest one a millisecond before the cutoff.
        var cutoff = Now.AddDays(-30);
        var old = Enumerable.Range(1, (2 * DeleteBatchSize) + 7)
            .Select(i => Ingest(cutoff.AddMinutes(-i).AddMilliseconds(i == 1 ? 59_999 : 0), status: i % 10 == 0 ? RunStatus.Error : RunStatus.Success))
            .ToArray();
        var kept = new[] { Ingest(cutoff), Ingest(Now.AddDays(-1), device: "02000801") };
        await app.RecordAsync([.. old, .. kept]);
        var before = (await runs.ListCampaignsAsync(new CampaignQuery(), ct)).Single();
        var daysBefore = await runs.DailyStatsAsync(new DailyQuery { From = Now.AddDays(-40), To = Now }, ct);

        var deleted = await runs.DeleteRunsStartedBeforeAsync(cutoff, ct);

        Assert.Equal(old.Length, deleted);
        var left = await runs.ListRunsAsync(new RunQuery { Limit = RunQuery.MaxLimit }, ct);
        Assert.Equal(kept.Select(r => r.Id).Reverse(), left.Ids());
        Assert.Null(await runs.GetAsync(old[0].Id, ct));
        Assert.NotNull(await runs.GetAsync(kept[0].Id, ct));
        // Lifetime counters, last success and last error, devices and daily totals are not the history.
        Assert.Equal(before, (await runs.ListCampaignsAsync(new CampaignQuery(), ct)).Single());
        Assert.Equal(old.Length + kept.Length, before.Runs);
        Assert.Equal(2, (await runs.GetCampaignAsync("acme", "site1", ct))!.Devices.Count);
        Assert.Equal(daysBefore, await runs.DailyStatsAsync(new DailyQuery { From = Now.AddDays(-40), To = Now }, ct));
        Assert.Equal(0, await runs.DeleteRunsStartedBeforeAsync(cutoff, ct));
    }

    [Fact]
    public async Task TheServicePurgesAtStartUpAndEveryHourRunsAndReportFoldersOfExpiredDaysOnly()
    {
        using var folder = new TempFolder();
        var clock = new FakeTimeProvider(Now);
        var reports = Path.Combine(folder.StateDir, "reports");
        var expired = Ingest(Now.AddDays(-40));
        // Inside the 30 days at the first two purges, outside from the third (an hour and a half later).
        var expiring = Ingest(Now.AddDays(-30).AddMinutes(90));
        var recent = Ingest(Now.AddDays(-2));
        foreach (var run in new[] { expired, expiring, recent })
        {
            WriteReport(reports, run);
        }

        var notOurs = Directory.CreateDirectory(Path.Combine(reports, "notes")).FullName;
        var settings = NoSweep;
        settings["Runs:RetentionDays"] = "30";
        await using var app = await store.NewAppAsync(folder, settings, s => s.AddSingleton<TimeProvider>(clock));
        var retention = app.Services.GetRequiredService<RunRetention>();
        var ct = TestContext.Current.CancellationToken;

        var first = await app.Logs.WaitForPurgeAsync(1);
        await app.RecordAsync(expired, expiring, recent);
        clock.Advance(TimeSpan.FromHours(1));
        var second = await app.Logs.WaitForPurgeAsync(2);
        using var admin = app.CreateClient(PowerViewApplication.AdminKey);
        var afterSecond = await admin.GetRunsAsync("/api/runs");
        clock.Advance(TimeSpan.FromHours(1));
        var third = await app.Logs.WaitForPurgeAsync(3);
        var afterThird = await admin.GetRunsAsync("/api/runs");

        Assert.Equal((Now.AddDays(-30), 0, 1), (first.Cutoff, first.RunsDeleted, first.ReportFoldersDeleted));
        Assert.False(Directory.Exists(ReportFolder(reports, expired)));
        Assert.Equal((1, 0), (second.RunsDeleted, second.ReportFoldersDeleted));
        Assert.Equal([recent.Id, expiring.Id], afterSecond.Ids());
        Assert.Equal(1, third.RunsDeleted);
        Assert.Equal([recent.Id], afterThird.Ids());
        Assert.True(File.Exists(Path.Combine(ReportFolder(reports, recent), recent.Id + ".json")));
        // Its day is the cutoff's: runs of that day after the cutoff may be in it.
        Assert.True(Directory.Exists(ReportFolder(reports, expiring)));
        Assert.True(Directory.Exists(notOurs));
        using var gone = await admin.GetAsync("/api/runs/" + expired.Id, ct);
        Assert.Equal(HttpStatusCode.NotFound, gone.StatusCode);
    }

    [Fact]
    public async Task RetentionZeroKeepsEverything()
    {
        using var folder = new TempFolder();
        var settings = NoSweep;
        settings["Runs:RetentionDays"] = "0";
        await using var app = await store.NewAppAsync(folder, settings);
        var ancient = Ingest(DateTimeOffset.UtcNow.AddYears(-10));
        var reports = Path.Combine(folder.StateDir, "reports");
        WriteReport(reports, ancient);
        await app.RecordAsync(ancient);

        // The service ends at once when retention is off: once it has, nothing can purge.
        var service = app.Services.GetServices<IHostedService>().OfType<RunRetentionService>().Single();
        await service.ExecuteTask!.WaitAsync(TestContext.Current.CancellationToken);

        Assert.NotNull(await app.Services.GetRequiredService<IRunStore>().GetAsync(ancient.Id, TestContext.Current.CancellationToken));
        Assert.True(Directory.Exists(ReportFolder(reports, ancient)));
    }

    private static string ReportFolder(string reports, RunRecord run) =>
        Path.Combine(reports, run.StartedAt.UtcDateTime.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture));

    /// <summary>As <c>RunRecorder</c> lays them out: one folder per UTC day the run started.</summary>
    private static void WriteReport(string reports, RunRecord run)
    {
        var day = Directory.CreateDirectory(ReportFolder(reports, run)).FullName;
        File.WriteAllText(Path.Combine(day, run.Id + ".json"), "{}");
    }
}

public sealed class RetentionTestsOnSqlite() : RetentionTests(RunStoreKind.Sqlite)
{
    protected override int DeleteBatchSize => SqliteRunStore.DeleteBatchSize;
}

public sealed class RetentionTestsOnPostgreSql(SharedPostgreSql pg) : RetentionTests(RunStoreKind.PostgreSql(pg))
{
    protected override int DeleteBatchSize => PostgreSqlRunStore.DeleteBatchSize;
}
