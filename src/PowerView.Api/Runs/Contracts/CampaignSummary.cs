using System.ComponentModel;
using System.Text.Json.Serialization;

namespace PowerView.Api.Runs.Contracts;

/// <summary>One row of <c>/api/campaigns</c>: what happened last in a company's campaign (uploads only).</summary>
internal record CampaignSummary
{
    public string Company { get; init; } = "";

    public string Campaign { get; init; } = "";

    [Description("Id of the newest ingestion run.")]
    public string? LastRunId { get; init; }

    public DateTimeOffset? LastRunAt { get; init; }

    [Description("Status of the newest ingestion run.")]
    public RunStatus? LastStatus { get; init; }

    public DateTimeOffset? LastSuccessAt { get; init; }

    [Description("File of the newest successful run.")]
    public string? LastSuccessFile { get; init; }

    public DateTimeOffset? LastErrorAt { get; init; }

    [Description("Reason of the newest failed run.")]
    public string? LastError { get; init; }

    public string? LastErrorFile { get; init; }

    [Description("Ingestion runs recorded for the campaign.")]
    public long Runs { get; init; }

    [Description("Failed ingestion runs (status error).")]
    public long Errors { get; init; }

    public long PointsWritten { get; init; }

    [Description("Device folders seen.")]
    public long DeviceCount { get; init; }

    [Description("Seconds since the last successful upload, at the time of the answer; null when none succeeded yet.")]
    public long? SecondsSinceLastSuccess { get; init; }

    public CampaignSummary At(DateTimeOffset now) => this with
    {
        SecondsSinceLastSuccess = LastSuccessAt is { } at ? Math.Max(0, (long)(now - at).TotalSeconds) : null,
    };
}

/// <summary>One device folder of a campaign: the last file seen and how it went.</summary>
internal sealed record DeviceSummary
{
    [Description("The device folder (serial number).")]
    public string DeviceMasterSn { get; init; } = "";

    [Description("The newest file seen from this device.")]
    public string? LastFile { get; init; }

    public string? LastRunId { get; init; }

    public DateTimeOffset? LastRunAt { get; init; }

    public RunStatus? LastStatus { get; init; }

    public DateTimeOffset? LastSuccessAt { get; init; }

    public DateTimeOffset? LastErrorAt { get; init; }

    public string? LastError { get; init; }

    public long Runs { get; init; }

    public long Errors { get; init; }
}

/// <summary><c>/api/campaigns/{company}/{campaign}</c>: the campaign row, flat, plus its devices.</summary>
internal sealed record CampaignDetail : CampaignSummary
{
    public CampaignDetail(CampaignSummary campaign, IReadOnlyList<DeviceSummary> devices)
        : base(campaign) => Devices = devices;

    [Description("Every device folder of the campaign, by name.")]
    [JsonPropertyOrder(1)]
    public IReadOnlyList<DeviceSummary> Devices { get; init; }
}
