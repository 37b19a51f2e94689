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
/// must survive a quiet year). The store may be shared by several instances: one purges it at a time (the lease
/// <see cref="Task"/>), while each always deletes the report folders of its own state folder.
/// </summary>
internal sealed class RunRetention(
    IRunStore store, SingleRunner leases, PowerViewPaths paths, IOptions<RunsOptions> options, TimeProvider time, ILogger<RunRetention> log)
{
    /// <summary>The lease of the store's purge.</summary>
    public const string Task = "retention";

    public int RetentionDays => options.Value.RetentionDays;

    public async Task<PurgeSummary> PurgeAsync(CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        var cutoff = time.GetUtcNow() - TimeSpan.FromDays(RetentionDays);
        int? runs = null;
        await using (var lease = await leases.TryStartAsync(Task, cancellationToken))
        {
            if (lease is not null)
            {
                runs = await store.DeleteRunsStartedBeforeAsync(cutoff, cancellationToken);
            }
        }

        var folders = DeleteReportFolders(DateOnly.FromDateTime(cutoff.UtcDateTime));
        var summary = new PurgeSummary(cutoff, runs ?? 0, folders, clock.ElapsedMilliseconds, StorePurged: runs is not null);
        log.Log(runs + folders > 0 ? LogLevel.Information : LogLevel.Debug,
            "Retention: {RunsDeleted} runs and {ReportFoldersDeleted} report folders older than {Cutoff:O} ({RetentionDays} days) deleted in {DurationMs} ms{Store}",
            summary.RunsDeleted, folders, cutoff, RetentionDays, summary.DurationMs,
            summary.StorePurged ? "" : " (the run store is being purged by another instance)");
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

/// <param name="StorePurged">False when another instance held the purge's lease: this one deleted only its report folders.</param>
internal sealed record PurgeSummary(DateTimeOffset Cutoff, int RunsDeleted, int ReportFoldersDeleted, long DurationMs, bool StorePurged = true);
