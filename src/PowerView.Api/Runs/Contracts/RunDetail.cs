using System.ComponentModel;
using System.Text.Json;

namespace PowerView.Api.Runs.Contracts;

/// <summary>
/// <c>/api/runs/{id}</c> and the JSON report under <c>&lt;StateDir&gt;/reports/</c>: the row of the lists plus what
/// only one run's page needs (file path, zone, warnings, the header block, per-channel statistics).
/// </summary>
internal sealed record RunDetail : RunSummary
{
    /// <summary>For the JSON reader (reports stored by earlier versions included).</summary>
    public RunDetail()
    {
    }

    private RunDetail(RunRecord run)
        : base(run)
    {
        FilePath = run.FilePath;
        Bucket = run.Bucket;
        FileMasterSn = run.FileMasterSn;
        TimeZone = run.TimeZone;
        TimeZoneSource = run.TimeZoneSource;
        TimeZoneRules = run.TimeZoneRules;
        Warnings = run.Warnings;
        Metadata = run.Metadata;
        Channels = run.Channels;
    }

    [Description("Path of the file relative to the data root, when it was under it.")]
    public string? FilePath { get; init; }

    [Description("InfluxDB bucket (the company).")]
    public string? Bucket { get; init; }

    [Description("The master serial number written in the file (points are tagged with it).")]
    public string? FileMasterSn { get; init; }

    [Description("The zone the file's times were read in (UTC or an IANA id).")]
    public string? TimeZone { get; init; }

    [Description("What chose the zone: 'header' (the file's DataTimeSettings), or the configuration key (Ingestion:TimeZone, Ingestion:TimeZones:<company>:Default, Ingestion:TimeZones:<company>:Campaigns:<campaign>).")]
    public string? TimeZoneSource { get; init; }

    [Description("The edition of the zone rules used, e.g. 'tzdb 2025b' (embedded in the service, not the host's).")]
    public string? TimeZoneRules { get; init; }

    public IReadOnlyList<string> Warnings { get; init; } = [];

    [Description("The file's JSON header block, as found; null without one.")]
    public IReadOnlyDictionary<string, JsonElement>? Metadata { get; init; }

    public IReadOnlyList<ChannelSummary> Channels { get; init; } = [];

    public static new RunDetail From(RunRecord run) => new(run);
}
