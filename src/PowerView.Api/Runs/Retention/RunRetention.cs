using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.Options;
using PowerView.Api.Configuration;
using PowerView.Api.Runs.Storage;

namespace PowerView.Api.Runs.Retention;

/// <summary>
/// Deletes the monitoring history older than <c>Runs:RetentionDays</c>: the runs in the store and the report
/// folders of whole UTC days before the cutoff. Never touches device files, parsed/ or error/, the line-protocol
/// sink or the campaign, device and daily summaries (their counters are lifetime totals and "last success"
/// must survive a quiet year).
/// </summary>
internal sealed class RunRetention(IRunStore store, PowerViewPaths paths, IOptions<RunsOptions> options, TimeProvider time, ILogger<RunRetention> log)
{
    public int RetentionDays => options.Value.RetentionDays;

    public async Task<PurgeSummary> PurgeAsync(CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        var cutoff = time.GetUtcNow() - TimeSpan.FromDays(RetentionDays);
        var runs = await store.DeleteRunsStartedBeforeAsync(cutoff, cancellationToken);
        var folders = DeleteReportFolders(DateOnly.FromDateTime(cutoff.UtcDateTime));
        var summary = new PurgeSummary(cutoff, runs, folders, clock.ElapsedMilliseconds);
        log.Log(runs + folders > 0 ? LogLevel.Information : LogLevel.Debug,
            "Retention: {RunsDeleted} runs and {ReportFoldersDeleted} report folders older than {Cutoff:O} ({RetentionDays} days) deleted in {DurationMs} ms",
            runs, folders, cutoff, RetentionDays, summary.DurationMs);
        return summary;
    }

    /// <summary>Report folders are named by the UTC day their runs started: a day before the cutoff's holds only expired runs.</summary>
    private int DeleteReportFolders(DateOnly cutoffDay)
    {
        if (!Directory.Exists(paths.ReportsDir()))
        {
            return 0;
        }

        var deleted = 0;
        foreach (var folder in Directory.EnumerateDirectories(paths.ReportsDir()))
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

internal sealed record PurgeSummary(DateTimeOffset Cutoff, int RunsDeleted, int ReportFoldersDeleted, long DurationMs);
