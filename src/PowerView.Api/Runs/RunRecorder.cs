using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Options;
using PowerView.Api.Configuration;
using PowerView.Api.Ingestion;
using PowerView.Api.Ingestion.Sinks;

namespace PowerView.Api.Runs;

/// <summary>
/// Records a finished run everywhere it must appear (contract §5): the meta bucket, the JSON report on
/// disk and the run store. A failure in one place is logged and does not hide the run from the others.
/// </summary>
internal sealed class RunRecorder(
    IRunStore store,
    ILineProtocolSink sink,
    PowerViewPaths paths,
    IOptions<InfluxOptions> influx,
    RunNotifications notifications,
    ILogger<RunRecorder> log,
    IngestionMetrics? metrics = null)
{
    /// <summary>Writes the <c>tsv_parser_file</c> point (ingestion runs), the JSON report and the store row.</summary>
    public async Task RecordAsync(RunReport report, CancellationToken cancellationToken)
    {
        if (report.Kind == RunKind.Ingest)
        {
            await WriteMetaAsync(MetaPoints.FileLine(report, report.Bucket), report.FinishedAt, report, cancellationToken);
        }

        try
        {
            var folder = Path.Combine(paths.ReportsDir, report.StartedAt.UtcDateTime.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture));
            Directory.CreateDirectory(folder);
            await File.WriteAllTextAsync(Path.Combine(folder, report.Id + ".json"),
                JsonSerializer.Serialize(report, RunJson.Indented), cancellationToken);
        }
        catch (IOException ex)
        {
            log.LogError(ex, "Could not write the report of run {RunId}", report.Id);
        }

        await store.RecordAsync(report, cancellationToken);
        metrics?.Observe(report);
        notifications.Publish(report);
    }

    /// <summary>Writes the <c>tsv_parser_run</c> point of a batch.</summary>
    public Task RecordBatchAsync(IReadOnlyCollection<RunReport> runs, DateTimeOffset started, DateTimeOffset finished, CancellationToken cancellationToken) =>
        runs.Count == 0
            ? Task.CompletedTask
            : WriteMetaAsync(MetaPoints.RunLine(runs, started, finished, paths.DataRoot), finished, null, cancellationToken);

    private async Task WriteMetaAsync(string line, DateTimeOffset when, RunReport? report, CancellationToken cancellationToken)
    {
        var bucket = influx.Value.MetaBucket;
        try
        {
            await sink.EnsureBucketAsync(bucket, cancellationToken);
            var stream = "meta-" + when.UtcDateTime.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
            await sink.WriteAsync(new SinkTarget(bucket, stream), Encoding.UTF8.GetBytes(line + "\n"), cancellationToken);
        }
        catch (Exception ex) when (ex is SinkUnavailableException or SinkRejectedException)
        {
            // The summary is a convenience copy: the run itself is in the report and the store.
            log.LogWarning("Run summary not written to the meta bucket {Bucket}: {Problem}", bucket, ex.Message);
            report?.Warnings.Add($"run summary not written to the meta bucket: {ex.Message}");
        }
    }
}
