using System.Globalization;
using System.Text;
using PowerView.Api.Ingestion.LineProtocol;
using PowerView.Api.Runs;

namespace PowerView.Api.Ingestion;

/// <summary>
/// Run summaries in the meta bucket, with the original's measurement, tag and field names and types
/// (integer counters, float duration_s) so existing dashboards and alert scripts keep working.
/// </summary>
internal static class MetaPoints
{
    private const int MaxErrorLength = 1000;

    /// <summary><c>tsv_parser_file</c>: one point per file run.</summary>
    public static string FileLine(RunRecord r)
    {
        var sb = new StringBuilder("tsv_parser_file");
        Tag(sb, "bucket", r.Bucket);
        Tag(sb, "campaign", r.Campaign);
        Tag(sb, "device_master_sn", r.DeviceMasterSn);
        Tag(sb, "file_name", r.FileName);
        Tag(sb, "status", r.Status.Wire());
        sb.Append(' ')
            .Append("nb_rows=").Append(r.Counters.LinesTotal).Append('i')
            .Append(",nb_channels=").Append(r.Counters.ChannelCount).Append('i')
            .Append(",nb_points=").Append(r.Counters.PointsWritten).Append('i')
            .Append(",nb_invalid_timestamps=").Append(r.Counters.InvalidTimestamps).Append('i')
            .Append(",nb_clock_not_set=").Append(r.Counters.ClockNotSetRows).Append('i')
            .Append(",nb_invalid_values=").Append(r.Counters.InvalidValues).Append('i')
            .Append(",nb_write_retries=").Append(r.Counters.WriteRetries).Append('i')
            .Append(",duration_ms=").Append(r.DurationMs).Append('i');
        if (r.Error is not null)
        {
            var error = r.Error.Length > MaxErrorLength ? r.Error[..MaxErrorLength] : r.Error;
            sb.Append(",error=").Append(LineProtocolText.QuoteStringField(error));
        }

        return sb.Append(' ').Append(r.FinishedAt.ToUnixTimeSeconds()).ToString();
    }

    /// <summary><c>tsv_parser_run</c>: one point per batch (a job, a sweep, a CLI call).</summary>
    public static string RunLine(IReadOnlyCollection<RunRecord> runs, DateTimeOffset started, DateTimeOffset finished, string baseFolder)
    {
        var failed = runs.Count(r => r.Status == RunStatus.Error);
        var deferred = runs.Count(r => r.Status == RunStatus.Deferred);
        var success = runs.Count(r => r.Status == RunStatus.Success);
        var sb = new StringBuilder("tsv_parser_run");
        Tag(sb, "status", failed + deferred == 0 ? "success" : "partial_failure");
        sb.Append(' ')
            .Append("nb_files_total=").Append(runs.Count).Append('i')
            .Append(",nb_files_success=").Append(success).Append('i')
            .Append(",nb_files_failed=").Append(failed).Append('i')
            .Append(",nb_files_deferred=").Append(deferred).Append('i')
            .Append(",nb_points_total=").Append(runs.Where(r => r.Status == RunStatus.Success).Sum(r => r.Counters.PointsWritten)).Append('i')
            .Append(",duration_s=").Append(((finished - started).TotalMilliseconds / 1000.0).ToString("R", CultureInfo.InvariantCulture))
            .Append(",base_folder=").Append(LineProtocolText.QuoteStringField(baseFolder))
            .Append(' ').Append(finished.ToUnixTimeSeconds());
        return sb.ToString();
    }

    /// <summary>Null and unsafe values are left out (a tag cannot be empty); the run report still has them.</summary>
    private static void Tag(StringBuilder sb, string key, string? value)
    {
        if (!string.IsNullOrEmpty(value) && LineProtocolText.Problem(value) is null)
        {
            sb.Append(',').Append(key).Append('=').Append(LineProtocolText.EscapeKey(value, key));
        }
    }
}
