using System.ComponentModel;
using System.Text.Json.Serialization;

namespace PowerView.Api.Runs;

/// <summary>One row of <c>/api/campaigns</c>: what happened last in a company's campaign (uploads only).</summary>
internal record CampaignSummary(
    string Company,
    string Campaign,
    [property: Description("Id of the newest ingestion run.")] string? LastRunId,
    DateTimeOffset? LastRunAt,
    [property: Description("Status of the newest ingestion run.")] string? LastStatus,
    DateTimeOffset? LastSuccessAt,
    [property: Description("File of the newest successful run.")] string? LastSuccessFile,
    DateTimeOffset? LastErrorAt,
    [property: Description("Reason of the newest failed run.")] string? LastError,
    string? LastErrorFile,
    [property: Description("Ingestion runs recorded for the campaign.")] long Runs,
    [property: Description("Failed ingestion runs (status error).")] long Errors,
    long PointsWritten,
    [property: Description("Device folders seen.")] long DeviceCount)
{
    /// <summary>Seconds from the last success to the moment of the answer; null when none ever succeeded.</summary>
    [Description("Seconds since the last successful upload, at the time of the answer; null when none succeeded yet.")]
    public long? SecondsSinceLastSuccess { get; init; }

    public CampaignSummary At(DateTimeOffset now) => this with
    {
        SecondsSinceLastSuccess = LastSuccessAt is { } at ? Math.Max(0, (long)(now - at).TotalSeconds) : null,
    };
}

/// <summary>One device folder of a campaign: the last file seen and how it went.</summary>
internal sealed record DeviceSummary(
    [property: Description("The device folder (serial number).")] string DeviceMasterSn,
    [property: Description("The newest file seen from this device.")] string? LastFile,
    string? LastRunId,
    DateTimeOffset? LastRunAt,
    string? LastStatus,
    DateTimeOffset? LastSuccessAt,
    DateTimeOffset? LastErrorAt,
    string? LastError,
    long Runs,
    long Errors);

/// <summary><c>/api/campaigns/{company}/{campaign}</c>: the campaign row, flat, plus its devices.</summary>
internal sealed record CampaignDetail : CampaignSummary
{
    public CampaignDetail(CampaignSummary campaign, IReadOnlyList<DeviceSummary> devices)
        : base(campaign) => Devices = devices;

    [Description("Every device folder of the campaign, by name.")]
    [JsonPropertyOrder(1)]
    public IReadOnlyList<DeviceSummary> Devices { get; init; }
}

/// <summary>Which campaigns to list; empty lists mean "all".</summary>
internal sealed record CampaignQuery
{
    public IReadOnlyList<string> Companies { get; init; } = [];

    public IReadOnlyList<string> Campaigns { get; init; } = [];
}

/// <summary>Ingestion totals of one UTC day.</summary>
internal sealed record DailyStats(
    [property: Description("The UTC day (midnight).")] DateTimeOffset Day,
    long Runs,
    long Successes,
    long Errors,
    long Deferred,
    [property: Description("Points written by the day's runs.")] long PointsWritten);

/// <summary>Which days to sum; empty lists mean "all".</summary>
internal sealed record DailyQuery
{
    public IReadOnlyList<string> Companies { get; init; } = [];

    public IReadOnlyList<string> Campaigns { get; init; } = [];

    public required DateTimeOffset From { get; init; }

    public required DateTimeOffset To { get; init; }
}
