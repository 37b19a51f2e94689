using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.Options;
using PowerView.Api.Configuration;
using PowerView.Api.Hosting;

namespace PowerView.Api.Runs;

/// <summary>
/// Deletes the monitoring history older than <c>Runs:RetentionDays</c>: the runs in the store and the report
/// folders of whole UTC days before the cutoff. Never touches device files, parsed/ or error/, the line-protocol
/// sink or the campaign, device and daily summaries (their counters are lifetime totals and "last success"
/// must survive a quiet year).
/// </summary>
internal sealed class RunRetention(IRunStore store, PowerViewPaths paths, IOptions<RunsOptions> options, TimeProvider time, ILogger<RunRetention> log)
{
    private readonly RecentEvents<PurgeSummary> _done = new(16);
    private int _count;

    public int RetentionDays => options.Value.RetentionDays;

    public async Task<PurgeSummary> PurgeAsync(CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        var cutoff = time.GetUtcNow() - TimeSpan.FromDays(RetentionDays);
        var runs = await store.DeleteRunsStartedBeforeAsync(cutoff, cancellationToken);
        var folders = DeleteReportFolders(DateOnly.FromDateTime(cutoff.UtcDateTime));
        var summary = new PurgeSummary(Interlocked.Increment(ref _count), cutoff, runs, folders, clock.ElapsedMilliseconds);
        log.Log(runs + folders > 0 ? LogLevel.Information : LogLevel.Debug,
            "Retention: {RunsDeleted} runs and {ReportFoldersDeleted} report folders older than {Cutoff:O} ({RetentionDays} days) deleted in {DurationMs} ms",
            runs, folders, cutoff, RetentionDays, summary.DurationMs);
        _done.Publish(summary);
        return summary;
    }

    /// <summary>Completes with the summary of purge number <paramref name="number"/> (1 = the start-up purge), now or when it ends.</summary>
    public Task<PurgeSummary> WaitForPurgeAsync(int number, CancellationToken cancellationToken) =>
        _done.WaitForAsync(s => s.Number == number, cancellationToken);

    /// <summary>Report folders are named by the UTC day their runs started: a day before the cutoff's holds only expired runs.</summary>
    private int DeleteReportFolders(DateOnly cutoffDay)
    {
        if (!Directory.Exists(paths.ReportsDir))
        {
            return 0;
        }

        var deleted = 0;
        foreach (var folder in Directory.EnumerateDirectories(paths.ReportsDir))
        {
            // Only folders this service made: anything else an operator put there is left alone.
            if (!DateOnly.TryParseExact(Path.GetFileName(folder), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day)
                || day >= cutoffDay)
            {
                continue;
            }

            try
            {
                Directory.Delete(folder, recursive: true);
                deleted++;
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                log.LogWarning("Retention: report folder {Folder} not deleted: {Problem}", folder, ex.Message);
            }
        }

        return deleted;
    }
}

internal sealed record PurgeSummary(int Number, DateTimeOffset Cutoff, int RunsDeleted, int ReportFoldersDeleted, long DurationMs);

/// <summary>Purges at start-up and then every hour (on the injected clock, so tests drive it); does nothing when retention is 0.</summary>
internal sealed class RunRetentionService(RunRetention retention, TimeProvider time, ILogger<RunRetentionService> log) : BackgroundService
{
    /// <summary>Hourly: each purge is then small, and the history kept is the configured length to the hour.</summary>
    public static readonly TimeSpan Interval = TimeSpan.FromHours(1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (retention.RetentionDays == 0)
        {
            log.LogInformation("Run retention is off (Runs:RetentionDays = 0): the run history is kept forever");
            return;
        }

        await Task.Yield();
        while (!stoppingToken.IsCancellationRequested)
        {
            // The next tick is counted from this one's start: a clock that moved on meanwhile shortens the wait.
            var next = time.GetUtcNow() + Interval;
            try
            {
                await retention.PurgeAsync(stoppingToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // A locked or unreadable store is tried again at the next tick; nothing is lost by waiting.
                log.LogError(ex, "Run retention purge failed");
            }

            var delay = next - time.GetUtcNow();
            if (delay > TimeSpan.Zero)
            {
                await Task.Delay(delay, time, stoppingToken);
            }
        }
    }
}
