using PowerView.Api.Ingestion;

namespace PowerView.Api.Cli;

/// <summary>The one-line JSON the CLI prints per file: the run's counters, or why there was no run.</summary>
internal sealed record CliSummary(
    string File,
    string Status,
    string? RunId,
    string? Company,
    string? Campaign,
    string? DeviceMasterSn,
    string? Format,
    long LinesTotal,
    long LinesIgnored,
    long InvalidTimestamps,
    long InvalidValues,
    long TruncatedLines,
    long PointsWritten,
    DateTimeOffset? TimeStart,
    DateTimeOffset? TimeEnd,
    long DurationMs,
    string? MovedTo,
    string? Error,
    IReadOnlyList<string> Warnings)
{
    public static CliSummary From(string file, IngestOutcome outcome) => outcome.Report is { } r
        ? new CliSummary(file, r.Status, r.Id, r.Company, r.Campaign, r.DeviceMasterSn, r.Format, r.LinesTotal, r.LinesIgnored,
            r.InvalidTimestamps, r.InvalidValues, r.TruncatedLines, r.PointsWritten, r.TimeStart, r.TimeEnd, r.DurationMs,
            r.MovedTo, r.Error ?? r.Message, r.Warnings)
        : new CliSummary(file, outcome.Kind, null, null, null, null, null, 0, 0, 0, 0, 0, 0, null, null, 0, null, outcome.Problem, []);
}
