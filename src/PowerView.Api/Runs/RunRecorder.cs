using System.Globalization;
using System.Text.Json;
using PowerView.Api.Configuration;
using PowerView.Api.Runs.Contracts;
using PowerView.Api.Runs.Storage;

namespace PowerView.Api.Runs;

/// <summary>
/// Records a finished run in the run history (contract §5): the JSON report on disk, the run store behind the
/// monitoring API, and the run counters of <c>/metrics</c>. The features that run things (ingestion, provisioning)
/// call it once per run; what else they publish about a run (the meta bucket) is theirs.
/// </summary>
internal sealed class RunRecorder(IRunStore store, PowerViewPaths paths, TimeProvider time, ILogger<RunRecorder> log, RunMetrics? metrics = null)
{
    /// <summary>A store that fails (a full or read-only state folder, a database restarting) is tried this many times, 1 s then 2 s apart.</summary>
    private const int StoreAttempts = 3;

    /// <summary>The attempt number of a file's next run: 1 for its first, then 2, 3… (the history says how many it had).</summary>
    public async Task<int> NextAttemptAsync(string company, string campaign, string deviceFolder, string fileName, CancellationToken cancellationToken) =>
        await store.CountFileRunsAsync(company, campaign, deviceFolder, fileName, cancellationToken) + 1;

    /// <summary>The run as the history keeps it: its texts name paths relative to the data root (see <see cref="RunPathRedaction"/>).</summary>
    public RunRecord Redacted(RunRecord run) => RunPathRedaction.Redact(run, paths);

    /// <summary>
    /// Writes the report, then stores the run (tried again a few times). A report that cannot be written is a warning
    /// of the stored run, so the history says so; a run that cannot be stored is logged and thrown, so the caller does
    /// not go on as if it were recorded.
    /// </summary>
    /// <returns>The run as stored (with a warning when its report could not be written).</returns>
    /// <exception cref="RunNotRecordedException">The store refused the run every time.</exception>
    public async Task<RunRecord> RecordAsync(RunRecord run, CancellationToken cancellationToken)
    {
        run = Redacted(run);
        try
        {
            var folder = Path.Combine(paths.ReportsDir(), run.StartedAt.UtcDateTime.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
            Directory.CreateDirectory(folder);
            await File.WriteAllTextAsync(Path.Combine(folder, run.Id + ".json"),
                JsonSerializer.Serialize(RunDetail.From(run), RunsJson.Report), cancellationToken);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            log.LogError("Could not write the report of run {RunId}: {Problem}", run.Id, ex.Message);
            run = Redacted(run with { Warnings = [.. run.Warnings, $"the JSON report could not be written under {paths.ReportsDir()}: {ex.Message}"] });
        }

        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await store.RecordAsync(run, cancellationToken);
                break;
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                log.LogError("Could not record run {RunId} ({Kind} {Status} of {File}) in the run store, try {Attempt}/{Attempts}: {Problem}",
                    run.Id, run.Kind.Wire(), run.Status.Wire(), run.FilePath ?? run.Company, attempt, StoreAttempts, ex.Message);
                if (attempt >= StoreAttempts)
                {
                    throw new RunNotRecordedException($"the run could not be recorded in the run store after {attempt} tries: {ex.Message}", ex);
                }

                await Task.Delay(TimeSpan.FromSeconds(attempt), time, cancellationToken);
            }
        }

        metrics?.Observe(run);
        return run;
    }
}

/// <summary>The run store refused a run (after a few tries): the run is not in the history.</summary>
internal sealed class RunNotRecordedException(string message, Exception inner) : Exception(message, inner);
