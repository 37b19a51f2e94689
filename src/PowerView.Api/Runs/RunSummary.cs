using System.ComponentModel;

namespace PowerView.Api.Runs;

/// <summary>
/// One row of <c>/api/runs</c> and <c>/api/errors</c>: the run's counters without its channels, metadata
/// and warnings (those are in <c>/api/runs/{id}</c>). Flat, every key always present, so a Grafana table
/// or a script can rely on the shape.
/// </summary>
internal sealed record RunSummary(
    [property: Description("Run id (time-ordered); /api/runs/{id} has the full report.")] string Id,
    [property: Description("ingest or provision.")] string Kind,
    [property: Description("What asked for the run: hook, sweep, cli, retry.")] string Trigger,
    [property: Description("success, error, deferred or skipped.")] string Status,
    string? Company,
    string? Campaign,
    [property: Description("The device folder the file was uploaded to.")] string? DeviceMasterSn,
    string? FileName,
    DateTimeOffset StartedAt,
    DateTimeOffset FinishedAt,
    long DurationMs,
    [property: Description("1 for the first run of a file, then 2, 3, ...")] int Attempt,
    [property: Description("File format found, e.g. MV_T302_V002.")] string? Format,
    long LinesTotal,
    [property: Description("Data lines that gave no point: invalid timestamp or cut last line.")] long LinesIgnored,
    long InvalidTimestamps,
    long InvalidValues,
    long TruncatedLines,
    long PointsWritten,
    [property: Description("First timestamp of the file's data.")] DateTimeOffset? TimeStart,
    [property: Description("Last timestamp of the file's data.")] DateTimeOffset? TimeEnd,
    [property: Description("Why the run failed or was deferred; null otherwise.")] string? Error,
    [property: Description("Where the file went, relative to the data root (parsed/ or error/); null when it stayed.")] string? MovedTo,
    [property: Description("Provisioning: the step reached.")] string? Step,
    [property: Description("Provisioning: what was done; sweep: why a file waits.")] string? Message);

/// <summary>Which runs to list. Empty lists mean "all"; several values are OR-ed.</summary>
internal sealed record RunQuery
{
    public const int DefaultLimit = 100;
    public const int MaxLimit = 1000;

    public IReadOnlyList<string> Companies { get; init; } = [];

    public IReadOnlyList<string> Campaigns { get; init; } = [];

    public IReadOnlyList<string> Devices { get; init; } = [];

    public IReadOnlyList<string> Files { get; init; } = [];

    public IReadOnlyList<string> Statuses { get; init; } = [];

    public IReadOnlyList<string> Kinds { get; init; } = [];

    /// <summary>Runs started at or after this instant.</summary>
    public DateTimeOffset? From { get; init; }

    /// <summary>Runs started at or before this instant.</summary>
    public DateTimeOffset? To { get; init; }

    public int Limit { get; init; } = DefaultLimit;
}
