using Microsoft.Extensions.Options;
using PowerView.Api.Configuration;
using PowerView.Api.Ingestion;

namespace PowerView.Api.Provisioning;

/// <summary>
/// Provisions a company (docs/provisioning.md): its InfluxDB buckets and downsampling tasks, then in Grafana its
/// organization (in <c>Organization</c> tenancy; the main one in <c>Team</c> tenancy), team, folder only that team
/// sees, datasources and dashboards. Every step looks up before it creates, so a rerun, a second campaign or a
/// retry after a failure adds only what is missing. One provisioning of a company runs at a time in this
/// process; other processes are kept safe by the lookups and the conflict handling of each step.
/// </summary>
internal sealed class CompanyProvisioner(
    GrafanaClient grafana,
    InfluxProvisioner influx,
    CompanyDatasources datasources,
    CompanyLocks locks,
    IOptions<GrafanaOptions> grafanaOptions,
    IOptions<InfluxOptions> influxOptions,
    ILogger<CompanyProvisioner> log)
{
    private GrafanaTenancy Tenancy => grafanaOptions.Value.TenancyMode;

    /// <summary>Why provisioning cannot run at all (phase 2 records the run as skipped with it), or null.</summary>
    public string? SkipReason =>
        !grafanaOptions.Value.Enabled ? "Grafana is not configured (Grafana:Url is empty)"
        : !influxOptions.Value.Enabled ? "InfluxDB is not configured (Influx:Url is empty)"
        : null;

    public async Task<ProvisioningResult> ProvisionAsync(string company, string? campaign, CancellationToken ct,
        string timeZone = DownsamplingTasks.DefaultTimeZone)
    {
        Step(company, ProvisioningSteps.Validate, () => Validate(company, timeZone));
        var names = CompanyNames.For(company);
        using var held = await locks.TakeAsync(company, ct);

        var buckets = await StepAsync(company, ProvisioningSteps.InfluxBuckets, () => influx.EnsureBucketsAsync(names, ct));
        var tasks = await StepAsync(company, ProvisioningSteps.InfluxTasks, () => influx.EnsureTasksAsync(names, timeZone, ct));
        var org = await StepAsync(company, ProvisioningSteps.GrafanaOrganization, () => EnsureOrganizationAsync(company, ct));
        var team = await StepAsync(company, ProvisioningSteps.GrafanaTeam, () => grafana.EnsureTeamAsync(org.Id, company, ct));
        var folder = await StepAsync(company, ProvisioningSteps.GrafanaFolder, () => grafana.EnsureFolderAsync(org.Id, names.FolderUid, company, ct));
        var permissions = await StepAsync(company, ProvisioningSteps.GrafanaFolderPermissions,
            () => grafana.SetFolderPermissionsAsync(org.Id, folder.Id, team.Id, ct));
        // The company's only InfluxDB datasource is its organization's default; in the shared organization it is not.
        var influxDatasource = await StepAsync(company, ProvisioningSteps.InfluxDatasource,
            () => datasources.EnsureInfluxAsync(org.Id, names, buckets, isDefault: Tenancy == GrafanaTenancy.Organization, ct));
        var apiDatasource = grafanaOptions.Value.ApiUrl.Length == 0
            ? null
            : await StepAsync(company, ProvisioningSteps.ApiDatasource, () => datasources.EnsureApiAsync(org.Id, names, ct));
        var dashboards = await StepAsync(company, ProvisioningSteps.Dashboards, async () =>
        {
            var saved = new List<DashboardResult>();
            foreach (var dashboard in CompanyDashboards.For(names, withUploads: apiDatasource is not null))
            {
                var changed = await grafana.UpsertDashboardAsync(org.Id, dashboard, folder.Id, ct);
                saved.Add(new(dashboard.Str("uid")!, dashboard.Str("title")!, changed));
            }

            return saved;
        });

        var result = new ProvisioningResult(company, campaign, Tenancy, org, team, folder, permissions, influxDatasource, apiDatasource,
            dashboards, buckets, tasks);
        log.LogInformation("Provisioned {Company} ({Campaign}) in Grafana organization {OrgId}: created {Created}; changed anything: {Changed}",
            company, campaign, org.Id, result.Created, result.Changed);
        return result;
    }

    /// <summary>
    /// Creates the Grafana user when missing (with the password given, or a generated one returned once), makes
    /// them a Viewer of the company's organization and a member of its team, and nothing else: a new user is
    /// created in that organization, so never joins the main one in <c>Organization</c> tenancy.
    /// </summary>
    public async Task<CompanyUserResult> EnsureCompanyUserAsync(string company, string login, string email, string name, string? password,
        CancellationToken ct)
    {
        using var held = await locks.TakeAsync(company, ct);
        return await StepAsync(company, ProvisioningSteps.User, async () =>
        {
            var (orgId, teamId) = await FindProvisionedAsync(company, ct);
            var generated = password is null ? Secrets.NewPassword() : null;
            var user = await grafana.LookupUserAsync(login, ct);
            var created = false;
            if (user is null && await grafana.LookupUserAsync(email, ct) is { } byEmail)
            {
                // The same login: created between our two lookups by a concurrent request. Another: someone else's email.
                user = string.Equals(byEmail.Login, login, StringComparison.OrdinalIgnoreCase)
                    ? byEmail
                    : throw new CompanyUserConflictException($"the email {email} belongs to the Grafana user '{byEmail.Login}', not '{login}'");
            }

            if (user is null)
            {
                created = await grafana.CreateUserAsync(login, email, name, password ?? generated!, orgId, ct) is not null;
                // 412: created meanwhile by another request; then it is theirs, and so is the password.
                user = await grafana.LookupUserAsync(login, ct) ?? throw new InvalidOperationException($"user {login} cannot be found after its creation");
            }

            var members = await grafana.GetOrganizationUsersAsync(orgId, ct);
            if (!members.Any(m => m.UserId == user.Id))
            {
                await grafana.AddOrganizationUserAsync(orgId, user.Login, "Viewer", ct);
            }

            if (!(await grafana.GetTeamMemberIdsAsync(orgId, teamId, ct)).Contains(user.Id))
            {
                await grafana.AddTeamMemberAsync(orgId, teamId, user.Id, ct);
            }

            log.LogInformation("Grafana user {Login} ({UserId}) is a member of {Company}; created now: {Created}", user.Login, user.Id, company, created);
            return new CompanyUserResult(user.Id, user.Login, created, created ? generated : null, orgId, teamId);
        });
    }

    /// <summary>The company's users: its organization's members (the provisioner's admin excepted), or in Team tenancy its team's.</summary>
    public async Task<IReadOnlyList<CompanyUser>> ListCompanyUsersAsync(string company, CancellationToken ct) =>
        await StepAsync(company, ProvisioningSteps.User, async () =>
        {
            var (orgId, teamId) = await FindProvisionedAsync(company, ct);
            var team = (await grafana.GetTeamMemberIdsAsync(orgId, teamId, ct)).ToHashSet();
            var admin = grafanaOptions.Value.AdminUser;
            return (await grafana.GetOrganizationUsersAsync(orgId, ct))
                .Where(u => Tenancy == GrafanaTenancy.Organization ? !string.Equals(u.Login, admin, StringComparison.OrdinalIgnoreCase) : team.Contains(u.UserId))
                .Select(u => new CompanyUser(u.UserId, u.Login, u.Email, u.Name, u.Role, team.Contains(u.UserId)))
                .ToList();
        });

    private async Task<Ensured<long>> EnsureOrganizationAsync(string company, CancellationToken ct)
    {
        if (Tenancy == GrafanaTenancy.Team)
        {
            return new(await grafana.GetCurrentOrganizationIdAsync(ct), Created: false);
        }

        var org = await grafana.EnsureOrganizationAsync(company, ct);
        await grafana.EnsureAdminMembershipAsync(org.Id, ct);
        return org;
    }

    private async Task<(long OrgId, long TeamId)> FindProvisionedAsync(string company, CancellationToken ct)
    {
        var orgId = Tenancy == GrafanaTenancy.Team
            ? await grafana.GetCurrentOrganizationIdAsync(ct)
            : await grafana.FindOrganizationAsync(company, ct) ?? throw new CompanyNotProvisionedException($"company {company} is not provisioned: no Grafana organization");
        var teamId = await grafana.FindTeamAsync(orgId, company, ct) ?? throw new CompanyNotProvisionedException($"company {company} is not provisioned: no team");
        return (orgId, teamId);
    }

    private static void Validate(string company, string timeZone)
    {
        if (DataLayout.BucketNameProblem(company) is { } problem)
        {
            throw new ArgumentException($"'{company}' cannot be a company: {problem}", nameof(company));
        }

        if (company.Contains('/', StringComparison.Ordinal) || company.Trim().Length != company.Length)
        {
            throw new ArgumentException($"'{company}' cannot be a company: a folder name has no '/' and no surrounding spaces", nameof(company));
        }

        // Grafana reads "$name" and "${name}" in titles, Infinity parameters and queries as its variables.
        if (company.Contains('$', StringComparison.Ordinal))
        {
            throw new ArgumentException($"'{company}' cannot be a company in Grafana: its dashboards would read '$' as a variable", nameof(company));
        }

        // The embedded TZDB, as for the ingestion: a container image without tzdata provisions as a full host does.
        if (LocalTimeZones.Find(timeZone) is null || timeZone.Trim().Length != timeZone.Length)
        {
            throw new ArgumentException($"'{timeZone}' is not an IANA time zone", nameof(timeZone));
        }
    }

    private static void Step(string company, string step, Action action) =>
        StepAsync(company, step, () => { action(); return Task.FromResult(0); }).GetAwaiter().GetResult();

    private static async Task<T> StepAsync<T>(string company, string step, Func<Task<T>> action)
    {
        try
        {
            return await action();
        }
        catch (Exception ex) when (ex is not OperationCanceledException and not ProvisioningException)
        {
            throw new ProvisioningException(company, step, ex);
        }
    }
}

/// <summary>The company has no Grafana organization or team yet: provision it first.</summary>
internal sealed class CompanyNotProvisionedException(string message) : InvalidOperationException(message);

/// <summary>The email given belongs to another Grafana user: the request, not Grafana, must change.</summary>
internal sealed class CompanyUserConflictException(string message) : InvalidOperationException(message);
