using System.Text.Json;
using PowerView.Api.Runs;

namespace PowerView.Api.Ingestion;

/// <summary>What reading one file produced: counts, warnings, per-channel statistics and time range.</summary>
internal sealed class FileIngestionResult
{
    public required string Format { get; init; }

    public required string FileMasterSn { get; init; }

    public required string TimeZone { get; init; }

    /// <summary>What chose <see cref="TimeZone"/>: <c>header</c>, or the configuration key.</summary>
    public required string TimeZoneSource { get; init; }

    /// <summary>The zone rules' edition, e.g. <c>tzdb 2025b</c>.</summary>
    public required string TimeZoneRules { get; init; }

    public IReadOnlyDictionary<string, JsonElement>? Metadata { get; init; }

    public required RunCounters Counters { get; init; }

    /// <summary>For a file with a header block: whether its END_DATA line came; null without a header block.</summary>
    public bool? SawEndData { get; init; }

    public DateTimeOffset? TimeStart { get; init; }

    public DateTimeOffset? TimeEnd { get; init; }

    public required IReadOnlyList<string> Warnings { get; init; }

    public required IReadOnlyList<ChannelSummary> Channels { get; init; }
}
