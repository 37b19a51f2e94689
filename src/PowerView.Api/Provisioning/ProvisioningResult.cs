namespace PowerView.Api.Provisioning;

/// <summary>
/// What one provisioning of a company found and made: every id and uid, never a secret (phase 2 stores it
/// for <c>GET /api/companies/{company}</c>). <see cref="Created"/> and <see cref="Changed"/> say what this run did.
/// </summary>
internal sealed record ProvisioningResult(
    string Company,
    string? Campaign,
    GrafanaTenancy Tenancy,
    Ensured<long> Organization,
    Ensured<long> Team,
    Ensured<string> Folder,
    bool FolderPermissionsChanged,
    DatasourceResult InfluxDatasource,
    DatasourceResult? ApiDatasource,
    IReadOnlyList<DashboardResult> Dashboards,
    IReadOnlyList<ProvisionedBucket> Buckets,
    IReadOnlyList<ProvisionedTask> Tasks)
{
    /// <summary>The InfluxDB authorization the company's datasource holds (its id, not its token).</summary>
    public string? AuthorizationId => InfluxDatasource.SecretId;

    /// <summary>What this run created, as <c>kind:name</c>.</summary>
    public IReadOnlyList<string> Created =>
    [
        .. Buckets.Where(b => b.Created).Select(b => "bucket:" + b.Name),
        .. Tasks.Where(t => t.Change == TaskChange.Created).Select(t => "task:" + t.Name),
        .. Organization.Created ? ["organization:" + Company] : Array.Empty<string>(),
        .. Team.Created ? ["team:" + Company] : Array.Empty<string>(),
        .. Folder.Created ? ["folder:" + Folder.Id] : Array.Empty<string>(),
        .. new[] { InfluxDatasource, ApiDatasource }.OfType<DatasourceResult>().Where(d => d.Change == DatasourceChange.Created).Select(d => "datasource:" + d.Uid),
    ];

    /// <summary>Whether anything at all was written; a rerun over a complete company writes nothing.</summary>
    public bool Changed => Created.Count > 0 || FolderPermissionsChanged
        || Tasks.Any(t => t.Change != TaskChange.Unchanged)
        || new[] { InfluxDatasource, ApiDatasource }.OfType<DatasourceResult>().Any(d => d.Change != DatasourceChange.Unchanged)
        || Dashboards.Any(d => d.Saved);
}

internal sealed record DashboardResult(string Uid, string Title, bool Saved);

/// <param name="GeneratedPassword">The password made for a new user when none was given: shown once, never logged or stored.</param>
internal sealed record CompanyUserResult(long UserId, string Login, bool Created, string? GeneratedPassword, long OrganizationId, long TeamId)
{
    public override string ToString() => $"CompanyUserResult {{ UserId = {UserId}, Login = {Login}, Created = {Created} }}";
}

internal sealed record CompanyUser(long UserId, string Login, string Email, string Name, string Role, bool InTeam);
