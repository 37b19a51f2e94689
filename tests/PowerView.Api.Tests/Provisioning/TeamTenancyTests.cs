using PowerView.Api.Provisioning;
using PowerView.Api.Tests.Infrastructure.Doubles;

namespace PowerView.Api.Tests.Provisioning;

/// <summary>Team tenancy: the original's layout, every company in the main organization behind its own team and folder.</summary>
public sealed class TeamTenancyTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task WithAServiceAccountTokenEveryCompanyIsNamespacedInTheMainOrganization()
    {
        await using var grafana = await GrafanaApiDouble.StartAsync();
        await using var influx = await InfluxApiDouble.StartAsync();
        var token = grafana.AddServiceAccountToken(GrafanaApiDouble.MainOrgId);
        using var host = ProvisioningHost.Start(grafana, influx, new Dictionary<string, string?>
        {
            ["Grafana:Tenancy"] = "Team",
            ["Grafana:AdminUser"] = "",
            ["Grafana:AdminPassword"] = "",
            ["Grafana:Token"] = token,
        });

        var acme = await host.Provisioner.ProvisionAsync("acme", null, Ct);
        var globex = await host.Provisioner.ProvisionAsync("globex", null, Ct);

        var main = GrafanaApiDouble.MainOrgId;
        Assert.Equal([main, main], new[] { acme.Organization.Id, globex.Organization.Id });
        Assert.Equal(["Main Org."], grafana.OrganizationNames);
        // A token acts in its own organization: no admin API, no org header.
        Assert.DoesNotContain(grafana.Requests, r => r.Path.StartsWith("/api/orgs", StringComparison.Ordinal) || r.OrgHeader.Length > 0);
        Assert.All(grafana.Requests, r => Assert.Equal("token:1", r.Caller));
        Assert.Equal(["acme", "globex"], grafana.TeamNames(main).Order(StringComparer.Ordinal));
        Assert.Equal([("acme", "", "", 1)], grafana.FolderGrants(main, acme.Folder.Id));
        Assert.Equal([("globex", "", "", 1)], grafana.FolderGrants(main, globex.Folder.Id));
        Assert.Equal(4, grafana.Datasources(main).Count);
        Assert.All(grafana.Datasources(main).Where(d => d.Str("type") == "influxdb"), d => Assert.False(d["isDefault"]!.GetValue<bool>()));
        var dashboards = grafana.Dashboards(main);
        Assert.Equal(2, dashboards.Count(d => d.FolderUid == acme.Folder.Id));
        Assert.Equal(2, dashboards.Count(d => d.FolderUid == globex.Folder.Id));
        // The data stays apart in InfluxDB whatever Grafana lets a viewer query.
        var acmeToken = grafana.SecretOf(main, acme.InfluxDatasource.Uid, "token")!;
        Assert.Equal(404, await influx.QueryStatusAsync(acmeToken, "from(bucket: \"globex\") |> range(start: -1h)"));
    }

    [Fact]
    public async Task WithATokenOnlyUsersCannotBeCreatedAndGrafanasRefusalIsReported()
    {
        await using var grafana = await GrafanaApiDouble.StartAsync();
        await using var influx = await InfluxApiDouble.StartAsync();
        using var host = ProvisioningHost.Start(grafana, influx, new Dictionary<string, string?>
        {
            ["Grafana:Tenancy"] = "Team",
            ["Grafana:AdminUser"] = "",
            ["Grafana:AdminPassword"] = "",
            ["Grafana:Token"] = grafana.AddServiceAccountToken(GrafanaApiDouble.MainOrgId),
        });
        await host.Provisioner.ProvisionAsync("acme", null, Ct);

        var failure = await Assert.ThrowsAsync<ProvisioningException>(
            () => host.Provisioner.EnsureCompanyUserAsync("acme", "jane", "jane@acme.test", "Jane", null, Ct));

        Assert.Equal(ProvisioningSteps.User, failure.Step);
        Assert.Contains("403", failure.Message, StringComparison.Ordinal);
        Assert.Contains("additional permissions", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task WithTheAdminLoginAUserSeesOnlyTheirCompanysFolderButTheDataIsNotIsolatedByGrafana()
    {
        await using var grafana = await GrafanaApiDouble.StartAsync();
        await using var influx = await InfluxApiDouble.StartAsync();
        using var host = ProvisioningHost.Start(grafana, influx, new Dictionary<string, string?> { ["Grafana:Tenancy"] = "Team" });
        var acme = await host.Provisioner.ProvisionAsync("acme", null, Ct);
        var globex = await host.Provisioner.ProvisionAsync("globex", null, Ct);

        var jane = await host.Provisioner.EnsureCompanyUserAsync("acme", "jane", "jane@acme.test", "Jane", "jane-password", Ct);

        Assert.Equal(["Main Org."], grafana.OrganizationsOf("jane"));
        Assert.Equal(["jane"], grafana.TeamMemberLogins(GrafanaApiDouble.MainOrgId, "acme"));
        Assert.Empty(grafana.TeamMemberLogins(GrafanaApiDouble.MainOrgId, "globex"));
        Assert.Equal(200, await GrafanaUserCalls.GetAsync(grafana, "jane", "jane-password", $"/api/folders/{acme.Folder.Id}"));
        Assert.Equal(403, await GrafanaUserCalls.GetAsync(grafana, "jane", "jane-password", $"/api/folders/{globex.Folder.Id}"));
        Assert.Equal(403, await GrafanaUserCalls.GetAsync(grafana, "jane", "jane-password", $"/api/dashboards/uid/{globex.Dashboards[0].Uid}"));
        // What Team tenancy does not isolate (grafana.md §1.2): the other company's datasource is readable.
        Assert.Equal(200, await GrafanaUserCalls.GetAsync(grafana, "jane", "jane-password", $"/api/datasources/uid/{globex.InfluxDatasource.Uid}"));
        Assert.True(jane.Created);
        Assert.Equal(["jane"], (await host.Provisioner.ListCompanyUsersAsync("acme", Ct)).Select(u => u.Login));
        Assert.Empty(await host.Provisioner.ListCompanyUsersAsync("globex", Ct));
    }
}
