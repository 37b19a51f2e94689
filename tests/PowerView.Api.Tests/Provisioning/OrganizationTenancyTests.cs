using System.Security.Cryptography;
using System.Text;
using PowerView.Api.Provisioning;
using PowerView.Api.Tests.Infrastructure.Doubles;

namespace PowerView.Api.Tests.Provisioning;

/// <summary>Organization tenancy (the default) against the Grafana and InfluxDB doubles: what a company gets, and that it gets it once.</summary>
public sealed class OrganizationTenancyTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task FirstProvisioningGivesTheCompanyItsOwnOrganizationWithTeamFolderDatasourcesAndDashboards()
    {
        await using var grafana = await GrafanaApiDouble.StartAsync();
        await using var influx = await InfluxApiDouble.StartAsync();
        using var host = ProvisioningHost.Start(grafana, influx);

        var result = await host.Provisioner.ProvisionAsync("acme", "site-a", Ct);

        var orgId = grafana.OrganizationId("acme");
        Assert.NotNull(orgId);
        Assert.Equal(orgId, result.Organization.Id);
        Assert.True(result.Organization.Created);
        Assert.Equal(["acme"], grafana.TeamNames(orgId.Value));
        var folder = Assert.Single(grafana.Folders(orgId.Value));
        Assert.Equal("acme", folder.Title);
        Assert.Equal(result.Folder.Id, folder.Uid);
        // Only the team may view it: the default Viewer and Editor grants and the creator's are gone.
        Assert.Equal([("acme", "", "", 1)], grafana.FolderGrants(orgId.Value, folder.Uid));

        var datasources = grafana.Datasources(orgId.Value);
        var influxDs = Assert.Single(datasources, d => d.Str("type") == "influxdb");
        Assert.Equal("influxdb_acme", influxDs.Str("name"));
        Assert.Equal(ProvisioningHost.InfluxUrlForGrafana, influxDs.Str("url"));
        Assert.True(influxDs["isDefault"]!.GetValue<bool>());
        Assert.Equal("Flux", influxDs["jsonData"].Str("version"));
        Assert.Equal(InfluxApiDouble.OrgName, influxDs["jsonData"].Str("organization"));
        Assert.Equal("acme", influxDs["jsonData"].Str("defaultBucket"));
        Assert.True(influxDs["secureJsonFields"].Flag("token"));
        Assert.Null(influxDs["secureJsonData"]);

        // The token reads the four company buckets and nothing else, and is the one authorization described for acme.
        var token = grafana.SecretOf(orgId.Value, influxDs.Str("uid")!, "token")!;
        foreach (var bucket in new[] { "acme", "acme_1h", "acme_1d", "acme_1w" })
        {
            Assert.Equal(200, await influx.QueryStatusAsync(token, $"from(bucket: \"{bucket}\") |> range(start: -1h)"));
        }

        influx.AddBucket("other");
        Assert.Equal(404, await influx.QueryStatusAsync(token, "from(bucket: \"other\") |> range(start: -1h)"));
        var authorization = Assert.Single(influx.Authorizations);
        Assert.Equal("powerview_token_for_bucket_acme", (string?)authorization["description"]);
        Assert.Equal(result.AuthorizationId, (string?)authorization["id"]);
        Assert.Equal(result.AuthorizationId, influxDs["jsonData"].Str(CompanyDatasources.TokenIdKey));
        var permissions = authorization["permissions"]!.AsArray().Select(p => ((string?)p!["action"], (string?)p["resource"]!["id"])).ToHashSet();
        Assert.Equal(new[] { "acme", "acme_1h", "acme_1d", "acme_1w" }.Select(b => ((string?)"read", (string?)influx.BucketId(b))).ToHashSet(), permissions);

        Assert.Equal(["downsample_acme_1d", "downsample_acme_1h", "downsample_acme_1w"], influx.Tasks.Select(t => (string)t["name"]!).Order(StringComparer.Ordinal));

        // The monitoring datasource holds a company key whose hash only is in the key store.
        var apiDs = Assert.Single(datasources, d => d.Str("type") == "yesoreyeram-infinity-datasource");
        Assert.Equal(ProvisioningHost.ApiUrl, apiDs.Str("url"));
        Assert.Equal("bearerToken", apiDs["jsonData"].Str("auth_method"));
        var key = grafana.SecretOf(orgId.Value, apiDs.Str("uid")!, "bearerToken")!;
        var stored = Assert.Single(host.Keys.Keys);
        Assert.Equal("acme", stored.Company);
        Assert.Equal(SHA256.HashData(Encoding.UTF8.GetBytes(key)), stored.Hash);
        Assert.Equal(stored.Id, apiDs["jsonData"].Str(CompanyDatasources.KeyIdKey));

        var dashboards = grafana.Dashboards(orgId.Value);
        Assert.Equal(2, dashboards.Count);
        Assert.All(dashboards, d => Assert.Equal(folder.Uid, d.FolderUid));
        Assert.Equal(result.Dashboards.Select(d => d.Uid).Order(), dashboards.Select(d => d.Uid).Order());

        // Nothing of acme in the main organization.
        Assert.Empty(grafana.Datasources(GrafanaApiDouble.MainOrgId));
        Assert.Empty(grafana.Folders(GrafanaApiDouble.MainOrgId));
        Assert.Empty(grafana.TeamNames(GrafanaApiDouble.MainOrgId));
        Assert.Empty(grafana.Dashboards(GrafanaApiDouble.MainOrgId));
    }

    [Fact]
    public async Task ASecondRunWritesNothing()
    {
        await using var grafana = await GrafanaApiDouble.StartAsync();
        await using var influx = await InfluxApiDouble.StartAsync();
        using var host = ProvisioningHost.Start(grafana, influx);
        await host.Provisioner.ProvisionAsync("acme", "site-a", Ct);
        var grafanaBefore = grafana.Requests.Count;
        var influxBefore = influx.Requests.Count;

        var again = await host.Provisioner.ProvisionAsync("acme", "site-a", Ct);

        Assert.DoesNotContain(grafana.Requests.Skip(grafanaBefore), r => r.IsWrite);
        Assert.DoesNotContain(influx.Requests.Skip(influxBefore), r => r.Method is "POST" or "PATCH" or "PUT" or "DELETE");
        Assert.False(again.Changed);
        Assert.Empty(again.Created);
    }

    [Fact]
    public async Task ASecondCampaignCreatesNothingTwiceAndKeepsTheToken()
    {
        await using var grafana = await GrafanaApiDouble.StartAsync();
        await using var influx = await InfluxApiDouble.StartAsync();
        using var host = ProvisioningHost.Start(grafana, influx);
        var first = await host.Provisioner.ProvisionAsync("acme", "site-a", Ct);
        var orgId = first.Organization.Id;
        var token = grafana.SecretOf(orgId, first.InfluxDatasource.Uid, "token");
        var key = grafana.SecretOf(orgId, first.ApiDatasource!.Uid, "bearerToken");

        var second = await host.Provisioner.ProvisionAsync("acme", "site-b", Ct);

        Assert.Equal(token, grafana.SecretOf(orgId, first.InfluxDatasource.Uid, "token"));
        Assert.Equal(key, grafana.SecretOf(orgId, first.ApiDatasource.Uid, "bearerToken"));
        Assert.Equal(first.AuthorizationId, second.AuthorizationId);
        Assert.Single(influx.Authorizations);
        Assert.Single(grafana.OrganizationNames, n => n == "acme");
        Assert.Single(grafana.Folders(orgId));
        Assert.Equal(2, grafana.Datasources(orgId).Count);
        Assert.Equal(3, influx.Tasks.Count);
        Assert.False(second.Changed);
    }

    [Fact]
    public async Task AnotherCompanyGetsItsOwnOrganizationAndItsTokenCannotReadTheFirstCompanysBuckets()
    {
        await using var grafana = await GrafanaApiDouble.StartAsync();
        await using var influx = await InfluxApiDouble.StartAsync();
        using var host = ProvisioningHost.Start(grafana, influx);
        var acme = await host.Provisioner.ProvisionAsync("acme", "site-a", Ct);
        var globex = await host.Provisioner.ProvisionAsync("globex", "x", Ct);

        Assert.NotEqual(acme.Organization.Id, globex.Organization.Id);
        Assert.Equal(grafana.OrganizationId("globex"), globex.Organization.Id);
        Assert.All(grafana.Datasources(acme.Organization.Id), d => Assert.DoesNotContain("globex", d.Str("name"), StringComparison.Ordinal));
        Assert.All(grafana.Datasources(globex.Organization.Id), d => Assert.DoesNotContain("acme", d.Str("name"), StringComparison.Ordinal));
        Assert.Equal(["globex"], grafana.TeamNames(globex.Organization.Id));

        var acmeToken = grafana.SecretOf(acme.Organization.Id, acme.InfluxDatasource.Uid, "token")!;
        var globexToken = grafana.SecretOf(globex.Organization.Id, globex.InfluxDatasource.Uid, "token")!;
        Assert.Equal(404, await influx.QueryStatusAsync(acmeToken, "from(bucket: \"globex\") |> range(start: -1h)"));
        Assert.Equal(404, await influx.QueryStatusAsync(acmeToken, "from(bucket: \"globex_1d\") |> range(start: -1h)"));
        Assert.Equal(404, await influx.QueryStatusAsync(globexToken, "from(bucket: \"acme\") |> range(start: -1h)"));
        Assert.Equal(200, await influx.QueryStatusAsync(globexToken, "from(bucket: \"globex_1w\") |> range(start: -1h)"));
        // Nor may it write, even its own bucket.
        Assert.NotEqual(acme.AuthorizationId, globex.AuthorizationId);
    }

    [Fact]
    public async Task TheCompanyTokenCannotWriteEvenItsOwnBucket()
    {
        await using var grafana = await GrafanaApiDouble.StartAsync();
        await using var influx = await InfluxApiDouble.StartAsync();
        using var host = ProvisioningHost.Start(grafana, influx);
        var acme = await host.Provisioner.ProvisionAsync("acme", null, Ct);
        var token = grafana.SecretOf(acme.Organization.Id, acme.InfluxDatasource.Uid, "token")!;

        using var http = new HttpClient { BaseAddress = influx.Url };
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/v2/write?org={InfluxApiDouble.OrgName}&bucket=acme&precision=s")
        {
            Content = new StringContent("electrical,campaign=c x=1 1700000000"),
        };
        request.Headers.TryAddWithoutValidation("Authorization", "Token " + token);
        using var response = await http.SendAsync(request, Ct);

        Assert.Equal(403, (int)response.StatusCode);
        Assert.Empty(influx.Writes);
    }

    [Fact]
    public async Task AnExistingBucketIsFoundAmongMoreThanTwentyAndNotCreatedAgain()
    {
        await using var grafana = await GrafanaApiDouble.StartAsync();
        await using var influx = await InfluxApiDouble.StartAsync();
        for (var i = 0; i < 30; i++)
        {
            influx.AddBucket($"company{i:00}");
        }

        influx.AddBucket("acme");
        using var host = ProvisioningHost.Start(grafana, influx);

        var result = await host.Provisioner.ProvisionAsync("acme", null, Ct);

        Assert.False(result.Buckets.Single(b => b.Name == "acme").Created);
        Assert.Equal(influx.BucketId("acme"), result.Buckets.Single(b => b.Name == "acme").Id);
        var created = influx.Requests.Where(r => r.Is(HttpMethod.Post, "/api/v2/buckets")).Select(r => r.Status).ToList();
        Assert.Equal([201, 201, 201], created);
    }

    [Fact]
    public async Task AnOrganizationSomeoneElseCreatedIsUsedAfterTheProvisionerJoinsItAsAdmin()
    {
        await using var grafana = await GrafanaApiDouble.StartAsync();
        await using var influx = await InfluxApiDouble.StartAsync();
        var orgId = grafana.CreateOrganizationDirectly("acme");
        using var host = ProvisioningHost.Start(grafana, influx);

        var result = await host.Provisioner.ProvisionAsync("acme", null, Ct);

        Assert.Equal(orgId, result.Organization.Id);
        Assert.False(result.Organization.Created);
        Assert.Equal("Admin", grafana.RoleOf(GrafanaApiDouble.AdminLogin, orgId));
        Assert.Single(grafana.Folders(orgId));
    }

    [Fact]
    public async Task AFolderWithTheCompanysUidButAnotherTitleIsACollisionNotATakeover()
    {
        await using var grafana = await GrafanaApiDouble.StartAsync();
        await using var influx = await InfluxApiDouble.StartAsync();
        using var host = ProvisioningHost.Start(grafana, influx);
        var first = await host.Provisioner.ProvisionAsync("acme", null, Ct);
        grafana.RenameFolder(first.Organization.Id, first.Folder.Id, "not acme");

        var failure = await Assert.ThrowsAsync<ProvisioningException>(() => host.Provisioner.ProvisionAsync("acme", null, Ct));

        Assert.Equal(ProvisioningSteps.GrafanaFolder, failure.Step);
        Assert.Contains("'not acme'", failure.Message, StringComparison.Ordinal);
        Assert.Equal([(first.Folder.Id, "not acme")], grafana.Folders(first.Organization.Id));
    }

    [Fact]
    public async Task InvalidCompanyNamesAndTimeZonesAreRefusedBeforeAnythingIsCreated()
    {
        await using var grafana = await GrafanaApiDouble.StartAsync();
        await using var influx = await InfluxApiDouble.StartAsync();
        using var host = ProvisioningHost.Start(grafana, influx);

        var underscore = await Assert.ThrowsAsync<ProvisioningException>(() => host.Provisioner.ProvisionAsync("_internal", null, Ct));
        var quote = await Assert.ThrowsAsync<ProvisioningException>(() => host.Provisioner.ProvisionAsync("ac\"me", null, Ct));
        var dollar = await Assert.ThrowsAsync<ProvisioningException>(() => host.Provisioner.ProvisionAsync("a$campaign", null, Ct));
        var zone = await Assert.ThrowsAsync<ProvisioningException>(() => host.Provisioner.ProvisionAsync("acme", null, Ct, "Mars/Olympus"));

        Assert.All(new[] { underscore, quote, dollar, zone }, e => Assert.Equal(ProvisioningSteps.Validate, e.Step));
        Assert.Contains("Mars/Olympus", zone.Message, StringComparison.Ordinal);
        Assert.Empty(grafana.Requests);
        Assert.Empty(influx.Requests);
    }
}
