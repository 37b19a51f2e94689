using PowerView.Api.Provisioning;
using PowerView.Api.Tests.Infrastructure.Doubles;

namespace PowerView.Api.Tests.Provisioning;

/// <summary>Adding a customer's user: a Viewer of the company's organization and a member of its team, and nothing else.</summary>
public sealed class CompanyUserTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task ANewUserGetsAGeneratedPasswordAndSeesTheirCompanyAndNothingElse()
    {
        await using var grafana = await GrafanaApiDouble.StartAsync();
        await using var influx = await InfluxApiDouble.StartAsync();
        using var host = ProvisioningHost.Start(grafana, influx);
        var acme = await host.Provisioner.ProvisionAsync("acme", null, Ct);
        var globex = await host.Provisioner.ProvisionAsync("globex", null, Ct);

        var user = await host.Provisioner.EnsureCompanyUserAsync("acme", "jane", "jane@acme.test", "Jane", password: null, Ct);

        Assert.True(user.Created);
        var password = Assert.IsType<string>(user.GeneratedPassword);
        Assert.True(password.Length >= 20);
        Assert.DoesNotContain(password, user.ToString(), StringComparison.Ordinal);
        Assert.Equal(["acme"], grafana.OrganizationsOf("jane"));
        Assert.Equal("Viewer", grafana.RoleOf("jane", acme.Organization.Id));
        Assert.Equal(["jane"], grafana.TeamMemberLogins(acme.Organization.Id, "acme"));
        // She signs in with the password, sees her folder and dashboards, and no other organization.
        Assert.Equal(200, await GrafanaUserCalls.GetAsync(grafana, "jane", password, $"/api/folders/{acme.Folder.Id}", acme.Organization.Id));
        Assert.Equal(200, await GrafanaUserCalls.GetAsync(grafana, "jane", password, $"/api/dashboards/uid/{acme.Dashboards[0].Uid}", acme.Organization.Id));
        Assert.Equal(401, await GrafanaUserCalls.GetAsync(grafana, "jane", password, "/api/datasources", GrafanaApiDouble.MainOrgId));
        Assert.Equal(401, await GrafanaUserCalls.GetAsync(grafana, "jane", password, $"/api/datasources/uid/{globex.InfluxDatasource.Uid}", globex.Organization.Id));
    }

    [Fact]
    public async Task AnExistingUserIsNotCreatedAgainAndKeepsTheirPassword()
    {
        await using var grafana = await GrafanaApiDouble.StartAsync();
        await using var influx = await InfluxApiDouble.StartAsync();
        using var host = ProvisioningHost.Start(grafana, influx);
        await host.Provisioner.ProvisionAsync("acme", null, Ct);
        var first = await host.Provisioner.EnsureCompanyUserAsync("acme", "jane", "jane@acme.test", "Jane", "first-password", Ct);
        var before = grafana.Requests.Count;

        var again = await host.Provisioner.EnsureCompanyUserAsync("acme", "jane", "jane@acme.test", "Jane", "other-password", Ct);

        Assert.False(again.Created);
        Assert.Null(again.GeneratedPassword);
        Assert.Equal(first.UserId, again.UserId);
        Assert.DoesNotContain(grafana.Requests.Skip(before), r => r.IsWrite);
        Assert.Equal(200, await GrafanaUserCalls.GetAsync(grafana, "jane", "first-password", "/api/org"));
    }

    [Fact]
    public async Task AUserOfAnotherCompanyIsAddedToThisOneTooWithoutBecomingAMemberOfTheMainOrganization()
    {
        await using var grafana = await GrafanaApiDouble.StartAsync();
        await using var influx = await InfluxApiDouble.StartAsync();
        using var host = ProvisioningHost.Start(grafana, influx);
        await host.Provisioner.ProvisionAsync("acme", null, Ct);
        var globex = await host.Provisioner.ProvisionAsync("globex", null, Ct);
        await host.Provisioner.EnsureCompanyUserAsync("acme", "consultant", "c@example.test", "C", "a-password", Ct);

        var added = await host.Provisioner.EnsureCompanyUserAsync("globex", "consultant", "c@example.test", "C", null, Ct);

        Assert.False(added.Created);
        Assert.Equal(["acme", "globex"], grafana.OrganizationsOf("consultant").Order(StringComparer.Ordinal));
        Assert.Equal("Viewer", grafana.RoleOf("consultant", globex.Organization.Id));
        Assert.Equal(["consultant"], grafana.TeamMemberLogins(globex.Organization.Id, "globex"));
    }

    [Fact]
    public async Task AnEmailThatBelongsToSomeoneElseIsRefused()
    {
        await using var grafana = await GrafanaApiDouble.StartAsync();
        await using var influx = await InfluxApiDouble.StartAsync();
        using var host = ProvisioningHost.Start(grafana, influx);
        await host.Provisioner.ProvisionAsync("acme", null, Ct);
        await host.Provisioner.EnsureCompanyUserAsync("acme", "jane", "jane@acme.test", "Jane", null, Ct);

        var failure = await Assert.ThrowsAsync<ProvisioningException>(
            () => host.Provisioner.EnsureCompanyUserAsync("acme", "john", "jane@acme.test", "John", null, Ct));

        Assert.Equal(ProvisioningSteps.User, failure.Step);
        Assert.Contains("'jane'", failure.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(grafana.Requests, r => r.Path == "/api/admin/users" && r.Body?.Contains("\"john\"", StringComparison.Ordinal) == true);
    }

    [Fact]
    public async Task ACompanyNotProvisionedHasNoUsersToAdd()
    {
        await using var grafana = await GrafanaApiDouble.StartAsync();
        await using var influx = await InfluxApiDouble.StartAsync();
        using var host = ProvisioningHost.Start(grafana, influx);

        var failure = await Assert.ThrowsAsync<ProvisioningException>(
            () => host.Provisioner.EnsureCompanyUserAsync("acme", "jane", "jane@acme.test", "Jane", null, Ct));

        Assert.Contains("not provisioned", failure.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(grafana.Requests, r => r.IsWrite);
    }

    [Fact]
    public async Task ListingACompanysUsersShowsItsCustomersNotTheProvisioner()
    {
        await using var grafana = await GrafanaApiDouble.StartAsync();
        await using var influx = await InfluxApiDouble.StartAsync();
        using var host = ProvisioningHost.Start(grafana, influx);
        await host.Provisioner.ProvisionAsync("acme", null, Ct);
        await host.Provisioner.EnsureCompanyUserAsync("acme", "jane", "jane@acme.test", "Jane", null, Ct);
        await host.Provisioner.EnsureCompanyUserAsync("acme", "joe", "joe@acme.test", "Joe", null, Ct);

        var users = await host.Provisioner.ListCompanyUsersAsync("acme", Ct);

        Assert.Equal(["jane", "joe"], users.Select(u => u.Login).Order(StringComparer.Ordinal));
        Assert.All(users, u => Assert.Equal(("Viewer", true), (u.Role, u.InTeam)));
    }
}
