using System.Text.Json;

namespace PowerView.Api.Runs;

/// <summary>
/// One finished run of an ingestion or provisioning job, as the job knows it: built once when the run ends, then
/// recorded (<see cref="RunRecorder"/>). The answers and the JSON report are its public projections
/// (<see cref="Contracts.RunSummary"/>, <see cref="Contracts.RunDetail"/>).
/// </summary>
internal sealed record RunRecord
{
    /// <summary>Sortable unique id (a version-7 GUID: time-ordered).</summary>
    public required string Id { get; init; }

    public required RunKind Kind { get; init; }

    public required RunTrigger Trigger { get; init; }

    public required RunStatus Status { get; init; }

    public string? Company { get; init; }

    public string? Campaign { get; init; }

    /// <summary>The device folder (the serial number SFTPGo shows); the file's own master serial is <see cref="FileMasterSn"/>.</summary>
    public string? DeviceMasterSn { get; init; }

    public string? FileName { get; init; }

    /// <summary>Path of the file relative to the data root, when it was under it.</summary>
    public string? FilePath { get; init; }

    /// <summary>Where the file went (relative to the data root): <c>…/parsed/x.tsv</c> or <c>…/error/x.tsv</c>; null when it stayed.</summary>
    public string? MovedTo { get; init; }

    public required DateTimeOffset StartedAt { get; init; }

    public required DateTimeOffset FinishedAt { get; init; }

    public long DurationMs => (long)(FinishedAt - StartedAt).TotalMilliseconds;

    /// <summary>1 for the first run of a file, then 2, 3, …</summary>
    public int Attempt { get; init; } = 1;

    public string? Format { get; init; }

    public string? Bucket { get; init; }

    public string? FileMasterSn { get; init; }

    /// <summary>The zone the file's times were read in.</summary>
    public string? TimeZone { get; init; }

    /// <summary>What chose the zone: <c>header</c>, or the configuration key (<c>Ingestion:TimeZone</c>…).</summary>
    public string? TimeZoneSource { get; init; }

    /// <summary>The zone rules' edition, e.g. <c>tzdb 2025b</c>.</summary>
    public string? TimeZoneRules { get; init; }

    public RunCounters Counters { get; init; } = RunCounters.None;

    public DateTimeOffset? TimeStart { get; init; }

    public DateTimeOffset? TimeEnd { get; init; }

    public string? Error { get; init; }

    /// <summary>Provisioning: the step reached (company, campaign…).</summary>
    public string? Step { get; init; }

    /// <summary>Provisioning: what was done or why it was skipped; a skipped ingestion: why the file waits.</summary>
    public string? Message { get; init; }

    public IReadOnlyList<string> Warnings { get; init; } = [];

    /// <summary>The file's JSON header block, as found (null without one).</summary>
    public IReadOnlyDictionary<string, JsonElement>? Metadata { get; init; }

    public IReadOnlyList<ChannelSummary> Channels { get; init; } = [];

    public static string NewId(DateTimeOffset startedAt) => Guid.CreateVersion7(startedAt).ToString("N");
}
