using System.Text.Json;

namespace PowerView.Api.Runs;

/// <summary>
/// Everything known about one run of an ingestion or provisioning job. Written as the JSON report under
/// <c>&lt;StateDir&gt;/reports/</c>, kept in the run store, and served by <c>/api/runs/{id}</c>.
/// </summary>
internal sealed class RunReport
{
    /// <summary>Sortable unique id (a version-7 GUID: time-ordered).</summary>
    public required string Id { get; init; }

    /// <summary><c>ingest</c> or <c>provision</c>.</summary>
    public required string Kind { get; init; }

    /// <summary>What asked for the run: <c>hook</c>, <c>sweep</c>, <c>cli</c>, <c>retry</c>.</summary>
    public required string Trigger { get; init; }

    /// <summary><c>success</c>, <c>error</c>, <c>deferred</c> or <c>skipped</c>.</summary>
    public string Status { get; set; } = RunStatus.Error;

    public string? Company { get; set; }

    public string? Campaign { get; set; }

    /// <summary>The device folder (the serial number SFTPGo shows); the file's own master serial is <see cref="FileMasterSn"/>.</summary>
    public string? DeviceMasterSn { get; set; }

    public string? FileName { get; set; }

    /// <summary>Path of the file relative to the data root, when it was under it.</summary>
    public string? FilePath { get; set; }

    /// <summary>Where the file went (relative to the data root): <c>…/parsed/x.tsv</c> or <c>…/error/x.tsv</c>; null when it stayed.</summary>
    public string? MovedTo { get; set; }

    public required DateTimeOffset StartedAt { get; init; }

    public DateTimeOffset FinishedAt { get; set; }

    public long DurationMs { get; set; }

    /// <summary>1 for the first run of a file, then 2, 3, …</summary>
    public int Attempt { get; set; } = 1;

    public string? Format { get; set; }

    public string? Bucket { get; set; }

    public string? FileMasterSn { get; set; }

    public string? TimeZone { get; set; }

    public long LinesTotal { get; set; }

    public long LinesIgnored { get; set; }

    public long RowsIngested { get; set; }

    public long InvalidTimestamps { get; set; }

    public long InvalidValues { get; set; }

    public long TruncatedLines { get; set; }

    public long PointsWritten { get; set; }

    public int ChannelCount { get; set; }

    public DateTimeOffset? TimeStart { get; set; }

    public DateTimeOffset? TimeEnd { get; set; }

    public string? Error { get; set; }

    /// <summary>Provisioning: the step reached (company, campaign…).</summary>
    public string? Step { get; set; }

    /// <summary>Provisioning: what was done or why it was skipped.</summary>
    public string? Message { get; set; }

    public List<string> Warnings { get; set; } = [];

    /// <summary>The file's JSON header block, as found (null without one).</summary>
    public Dictionary<string, JsonElement>? Metadata { get; set; }

    public List<Ingestion.ChannelStatistics> Channels { get; set; } = [];

    public void Finish(string status, DateTimeOffset now)
    {
        Status = status;
        FinishedAt = now;
        DurationMs = (long)(now - StartedAt).TotalMilliseconds;
    }
}

internal static class RunStatus
{
    public const string Success = "success";
    public const string Error = "error";
    public const string Deferred = "deferred";
    public const string Skipped = "skipped";

    public static readonly string[] All = [Success, Error, Deferred, Skipped];
}

internal static class RunKind
{
    public const string Ingest = "ingest";
    public const string Provision = "provision";
}
