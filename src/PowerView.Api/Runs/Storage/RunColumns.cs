using System.Text.Json;
using PowerView.Api.Runs.Contracts;

namespace PowerView.Api.Runs.Storage;

/// <summary>
/// The columns of the <c>runs</c> table and the value each takes from a run: the one mapping behind the INSERT, its
/// parameters and the summary upserts, whatever the database. Times stay <see cref="DateTimeOffset"/>; a store
/// converts them to its own representation.
/// </summary>
internal static class RunColumns
{
    public static readonly IReadOnlyList<(string Name, Func<RunRecord, object?> Value)> Runs =
    [
        ("id", r => r.Id),
        ("kind", r => r.Kind.Wire()),
        ("trigger", r => r.Trigger.Wire()),
        ("status", r => r.Status.Wire()),
        ("company", r => r.Company),
        ("campaign", r => r.Campaign),
        ("device_master_sn", r => r.DeviceMasterSn),
        ("file_name", r => r.FileName),
        ("file_path", r => r.FilePath),
        ("moved_to", r => r.MovedTo),
        ("started_at", r => r.StartedAt),
        ("finished_at", r => r.FinishedAt),
        ("duration_ms", r => r.DurationMs),
        ("attempt", r => r.Attempt),
        ("format", r => r.Format),
        ("bucket", r => r.Bucket),
        ("lines_total", r => r.Counters.LinesTotal),
        ("lines_ignored", r => r.Counters.LinesIgnored),
        ("rows_ingested", r => r.Counters.RowsIngested),
        ("invalid_timestamps", r => r.Counters.InvalidTimestamps),
        ("clock_not_set_rows", r => r.Counters.ClockNotSetRows),
        ("invalid_values", r => r.Counters.InvalidValues),
        ("truncated_lines", r => r.Counters.TruncatedLines),
        ("points_written", r => r.Counters.PointsWritten),
        ("channel_count", r => r.Counters.ChannelCount),
        ("write_retries", r => r.Counters.WriteRetries),
        ("time_start", r => r.TimeStart),
        ("time_end", r => r.TimeEnd),
        ("error", r => r.Error),
        ("step", r => r.Step),
        ("message", r => r.Message),
        ("report", r => JsonSerializer.Serialize(RunDetail.From(r), RunsJson.Stored)),
    ];

    /// <summary>Parameters the summary upserts use besides the run's own columns.</summary>
    public static readonly IReadOnlyList<(string Name, Func<RunRecord, object?> Value)> Summaries =
    [
        ("is_ingest", r => r.Kind == RunKind.Ingest ? 1 : 0),
        ("is_success", r => r.Status == RunStatus.Success ? 1 : 0),
        ("is_error", r => r.Status == RunStatus.Error ? 1 : 0),
        ("is_deferred", r => r.Status == RunStatus.Deferred ? 1 : 0),
        ("day", r => DayOf(r.StartedAt)),
    ];

    /// <summary>The UTC midnight that starts the instant's day.</summary>
    public static DateTimeOffset DayOf(DateTimeOffset instant) => new(instant.UtcDateTime.Date, TimeSpan.Zero);

    /// <summary><c>INSERT INTO runs (a, b…) VALUES (@a, @b…)</c>.</summary>
    public static string InsertRun { get; } =
        $"INSERT INTO runs ({string.Join(", ", Runs.Select(c => c.Name))}) VALUES ({string.Join(", ", Runs.Select(c => "@" + c.Name))})";
}
