using System.Text.Json;

namespace PowerView.Api.Ingestion;

/// <summary>What reading one file produced: counts, warnings, per-channel statistics and time range.</summary>
internal sealed class FileIngestionResult
{
    public string? Format { get; set; }

    public string? FileMasterSn { get; set; }

    public string TimeZone { get; set; } = "UTC";

    public Dictionary<string, JsonElement>? Metadata { get; set; }

    /// <summary>Non-blank data lines, the cut last line included.</summary>
    public long LinesTotal { get; set; }

    /// <summary>Data lines whose values were read (valid timestamp, complete line).</summary>
    public long RowsIngested { get; set; }

    public long InvalidTimestamps { get; set; }

    public long InvalidValues { get; set; }

    /// <summary>A final line without a line end: an interrupted upload, never ingested.</summary>
    public long TruncatedLines { get; set; }

    /// <summary>Data lines that gave no point at all: invalid timestamp or cut.</summary>
    public long LinesIgnored => InvalidTimestamps + TruncatedLines;

    public long PointsWritten { get; set; }

    public bool? SawEndData { get; set; }

    public DateTimeOffset? TimeStart { get; set; }

    public DateTimeOffset? TimeEnd { get; set; }

    public List<string> Warnings { get; } = [];

    public List<ChannelStatistics> Channels { get; } = [];
}

/// <summary>One channel of a report: its identity and the finite values written.</summary>
internal sealed record ChannelStatistics
{
    public required int ColumnIndex { get; init; }

    public required string ChannelId { get; init; }

    public required string Field { get; init; }

    public required string DeviceSn { get; init; }

    public required string DeviceType { get; init; }

    public string? DeviceSubtype { get; init; }

    public required string Label { get; init; }

    public required string Name { get; init; }

    public required string Unit { get; init; }

    public long Points { get; set; }

    public double? Min { get; set; }

    public double? Max { get; set; }

    public double? Mean { get; set; }
}
