using PowerView.Api.Runs;

namespace PowerView.Api.Provisioning;

/// <summary>
/// What the provisioning store remembers of a company: the ids and uids of its last successful provisioning (never a
/// secret: the InfluxDB token and the monitoring key are only in Grafana's datasources), the campaigns provisioned,
/// and its last provisioning run whatever its outcome.
/// </summary>
internal sealed record ProvisionedCompany(
    string Company,
    ProvisionedObjects? Objects,
    DateTimeOffset? ProvisionedAt,
    IReadOnlyList<string> Campaigns,
    LastProvisioningRun? LastRun);

/// <summary>The ids and uids of one provisioning (stored as JSON: a new field needs no migration).</summary>
internal sealed record ProvisionedObjects
{
    /// <summary><c>organization</c> or <c>team</c>.</summary>
    public required string Tenancy { get; init; }

    public required long OrganizationId { get; init; }

    public required long TeamId { get; init; }

    public required string FolderUid { get; init; }

    public required string InfluxDatasourceUid { get; init; }

    public string? ApiDatasourceUid { get; init; }

    /// <summary>The InfluxDB authorization the datasource holds: its id, never its token.</summary>
    public string? TokenId { get; init; }

    /// <summary>The company monitoring key of the Infinity datasource: its id, never the key.</summary>
    public string? KeyId { get; init; }

    public IReadOnlyList<ProvisionedDashboard> Dashboards { get; init; } = [];

    public IReadOnlyList<ProvisionedBucketId> Buckets { get; init; } = [];

    public IReadOnlyList<ProvisionedTaskId> Tasks { get; init; } = [];

    public static ProvisionedObjects From(ProvisioningResult result) => new()
    {
        Tenancy = result.Tenancy == GrafanaTenancy.Organization ? "organization" : "team",
        OrganizationId = result.Organization.Id,
        TeamId = result.Team.Id,
        FolderUid = result.Folder.Id,
        InfluxDatasourceUid = result.InfluxDatasource.Uid,
        ApiDatasourceUid = result.ApiDatasource?.Uid,
        TokenId = result.AuthorizationId,
        KeyId = result.ApiDatasource?.SecretId,
        Dashboards = [.. result.Dashboards.Select(d => new ProvisionedDashboard(d.Uid, d.Title))],
        Buckets = [.. result.Buckets.Select(b => new ProvisionedBucketId(b.Name, b.Id))],
        Tasks = [.. result.Tasks.Select(t => new ProvisionedTaskId(t.Level, t.Name, t.Id))],
    };
}

internal sealed record ProvisionedDashboard(string Uid, string Title);

internal sealed record ProvisionedBucketId(string Name, string Id);

internal sealed record ProvisionedTaskId(string Level, string Name, string Id);

/// <summary>The company's last provisioning run (its full report is <c>/api/runs/{id}</c>).</summary>
/// <param name="Step">The step that failed, or what a skipped run was asked for.</param>
/// <param name="Error">Grafana's or InfluxDB's message when it failed.</param>
internal sealed record LastProvisioningRun(
    string Id,
    RunStatus Status,
    string? Campaign,
    DateTimeOffset FinishedAt,
    string? Step,
    string? Message,
    string? Error)
{
    public static LastProvisioningRun From(RunRecord run) => new(run.Id, run.Status, run.Campaign, run.FinishedAt, run.Step, run.Message, run.Error);
}

/// <summary>A company monitoring key the service made, as the store keeps it: its hash, never the key.</summary>
internal sealed record StoredCompanyKey(string Id, string Company, byte[] Sha256);
