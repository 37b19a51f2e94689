using System.Globalization;
using System.Text;
using Microsoft.Extensions.Options;
using PowerView.Api.Configuration;
using PowerView.Api.Ingestion.Sinks;
using PowerView.Api.Runs;

namespace PowerView.Api.Ingestion;

/// <summary>
/// Writes the run summaries of the meta bucket (contract §5): a <c>tsv_parser_file</c> point per ingestion run and a
/// <c>tsv_parser_run</c> point per batch (a job, a sweep, a CLI call). The summary is a convenience copy for the
/// original's dashboards and alert scripts: when the sink refuses it, the run says so and is recorded anyway.
/// </summary>
internal sealed class MetaPointWriter(ILineProtocolSink sink, PowerViewPaths paths, IOptions<InfluxOptions> influx, ILogger<MetaPointWriter> log)
{
    /// <returns>The run, with a warning added when its point could not be written.</returns>
    public async Task<RunRecord> WriteFileAsync(RunRecord run, CancellationToken cancellationToken)
    {
        var problem = await WriteAsync(MetaPoints.FileLine(run), run.FinishedAt, cancellationToken);
        return problem is null ? run : run with { Warnings = [.. run.Warnings, $"run summary not written to the meta bucket: {problem}"] };
    }

    public async Task WriteBatchAsync(IReadOnlyCollection<RunRecord> runs, DateTimeOffset started, DateTimeOffset finished, CancellationToken cancellationToken)
    {
        if (runs.Count > 0)
        {
            await WriteAsync(MetaPoints.RunLine(runs, started, finished, paths.DataRoot), finished, cancellationToken);
        }
    }

    /// <returns>null when written, else why not.</returns>
    private async Task<string?> WriteAsync(string line, DateTimeOffset when, CancellationToken cancellationToken)
    {
        var bucket = influx.Value.MetaBucket;
        try
        {
            await sink.EnsureBucketAsync(bucket, cancellationToken);
            var stream = "meta-" + when.UtcDateTime.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
            await sink.WriteAsync(new SinkTarget(bucket, stream), Encoding.UTF8.GetBytes(line + "\n"), cancellationToken);
            return null;
        }
        catch (Exception ex) when (ex is SinkUnavailableException or SinkRejectedException)
        {
            log.LogWarning("Run summary not written to the meta bucket {Bucket}: {Problem}", bucket, ex.Message);
            return ex.Message;
        }
    }
}
