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
internal sealed class RunRecorder(IRunStore store, PowerViewPaths paths, ILogger<RunRecorder> log, RunMetrics? metrics = null)
{
    /// <summary>The attempt number of a file's next run: 1 for its first, then 2, 3… (the history says how many it had).</summary>
    public async Task<int> NextAttemptAsync(string company, string campaign, string deviceFolder, string fileName, CancellationToken cancellationToken) =>
        await store.CountFileRunsAsync(company, campaign, deviceFolder, fileName, cancellationToken) + 1;

    /// <summary>The run as the history keeps it: its texts name paths relative to the data root (see <see cref="RunPathRedaction"/>).</summary>
    public RunRecord Redacted(RunRecord run) => RunPathRedaction.Redact(run, paths);

    public async Task RecordAsync(RunRecord run, CancellationToken cancellationToken)
    {
        run = Redacted(run);
        try
        {
            var folder = Path.Combine(paths.ReportsDir(), run.StartedAt.UtcDateTime.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
            Directory.CreateDirectory(folder);
            await File.WriteAllTextAsync(Path.Combine(folder, run.Id + ".json"),
                JsonSerializer.Serialize(RunDetail.From(run), RunsJson.Report), cancellationToken);
        }
        catch (IOException ex)
        {
            log.LogError(ex, "Could not write the report of run {RunId}", run.Id);
        }

        await store.RecordAsync(run, cancellationToken);
        metrics?.Observe(run);
    }
}
