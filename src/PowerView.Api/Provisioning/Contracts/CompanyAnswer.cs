using System.ComponentModel;
using PowerView.Api.Runs;

namespace PowerView.Api.Provisioning.Contracts;

/// <summary>
/// One company of <c>/api/companies</c>: the ids and uids of what its last successful provisioning found or made
/// (null until one succeeded), the campaigns provisioned, and its last provisioning run whatever its outcome. Never a
/// secret: the InfluxDB token and the monitoring key are only in the company's Grafana datasources.
/// </summary>
internal sealed record CompanyAnswer
{
    public required string Company { get; init; }

    [Description("Whether a provisioning of the company succeeded (then every id below is set).")]
    public bool Provisioned { get; init; }

    [Description("When the last successful provisioning ended.")]
    public DateTimeOffset? ProvisionedAt { get; init; }

    [Description("organization (one Grafana organization per company) or team (the main organization, namespaced).")]
    public string? Tenancy { get; init; }

    [Description("The company's Grafana organization (the main one in team tenancy).")]
    public long? OrganizationId { get; init; }

    public long? TeamId { get; init; }

    [Description("The company's Grafana folder, which only its team may view.")]
    public string? FolderUid { get; init; }

    [Description("The InfluxDB (Flux) datasource, reading the company's buckets with its own read-only token.")]
    public string? InfluxDatasourceUid { get; init; }

    [Description("The Infinity datasource of the uploads dashboard (null without Grafana:ApiUrl).")]
    public string? ApiDatasourceUid { get; init; }

    [Description("The InfluxDB authorization the datasource holds: its id, never its token.")]
    public string? TokenId { get; init; }

    [Description("The company monitoring key of the Infinity datasource: its id, never the key.")]
    public string? KeyId { get; init; }

    public IReadOnlyList<DashboardId> Dashboards { get; init; } = [];

    [Description("The company bucket and its downsampled buckets _1h, _1d, _1w.")]
    public IReadOnlyList<BucketId> Buckets { get; init; } = [];

    [Description("The downsampling tasks, one per level.")]
    public IReadOnlyList<TaskId> Tasks { get; init; } = [];

    [Description("The campaigns a provisioning was run for (by a mkdir, a first upload or the CLI).")]
    public IReadOnlyList<string> Campaigns { get; init; } = [];

    [Description("The last provisioning run; its full report is /api/runs/{id}.")]
    public string? LastRunId { get; init; }

    public RunStatus? LastRunStatus { get; init; }

    public string? LastRunCampaign { get; init; }

    public DateTimeOffset? LastRunAt { get; init; }

    [Description("The step that failed (or what a skipped run was asked for).")]
    public string? LastRunStep { get; init; }

    [Description("What the last run created and found, or why it was skipped.")]
    public string? LastRunMessage { get; init; }

    [Description("Grafana's or InfluxDB's message when the last run failed.")]
    public string? LastRunError { get; init; }

    public static CompanyAnswer From(ProvisionedCompany c) => new()
    {
        Company = c.Company,
        Provisioned = c.Objects is not null,
        ProvisionedAt = c.ProvisionedAt,
        Tenancy = c.Objects?.Tenancy,
        OrganizationId = c.Objects?.OrganizationId,
        TeamId = c.Objects?.TeamId,
        FolderUid = c.Objects?.FolderUid,
        InfluxDatasourceUid = c.Objects?.InfluxDatasourceUid,
        ApiDatasourceUid = c.Objects?.ApiDatasourceUid,
        TokenId = c.Objects?.TokenId,
        KeyId = c.Objects?.KeyId,
        Dashboards = [.. c.Objects?.Dashboards.Select(d => new DashboardId(d.Uid, d.Title)) ?? []],
        Buckets = [.. c.Objects?.Buckets.Select(b => new BucketId(b.Name, b.Id)) ?? []],
        Tasks = [.. c.Objects?.Tasks.Select(t => new TaskId(t.Level, t.Name, t.Id)) ?? []],
        Campaigns = c.Campaigns,
        LastRunId = c.LastRun?.Id,
        LastRunStatus = c.LastRun?.Status,
        LastRunCampaign = c.LastRun?.Campaign,
        LastRunAt = c.LastRun?.FinishedAt,
        LastRunStep = c.LastRun?.Step,
        LastRunMessage = c.LastRun?.Message,
        LastRunError = c.LastRun?.Error,
    };
}

internal sealed record DashboardId(string Uid, string Title);

internal sealed record BucketId(string Name, string Id);

internal sealed record TaskId(string Level, string Name, string Id);
