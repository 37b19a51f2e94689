using PowerView.Api.Provisioning;
using PowerView.Api.Tests.Infrastructure.Doubles;

namespace PowerView.Api.Tests.Provisioning;

/// <summary>Failures half-way, lost secrets, changed tasks and concurrent runs: each converges on one complete company.</summary>
public sealed class ConvergenceTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task AFailureHalfWayNamesTheStepAndGrafanasMessageAndTheRerunCompletesWithoutDuplicates()
    {
        await using var grafana = await GrafanaApiDouble.StartAsync();
        await using var influx = await InfluxApiDouble.StartAsync();
        using var host = ProvisioningHost.Start(grafana, influx);
        // More failures than the resilience handler retries: the step fails for good.
        grafana.FailNext("POST", "/api/dashboards/db", 500, "database is locked", times: 10);

        var failure = await Assert.ThrowsAsync<ProvisioningException>(() => host.Provisioner.ProvisionAsync("acme", "site-a", Ct));

        Assert.Equal(ProvisioningSteps.Dashboards, failure.Step);
        Assert.Contains("database is locked", failure.Message, StringComparison.Ordinal);
        Assert.Contains("500", failure.Message, StringComparison.Ordinal);
        Assert.True(grafana.Requests.Count(r => r.Path == "/api/dashboards/db") > 1, "the resilience handler retries a 500");

        grafana.ClearFaults();
        var rerun = await host.Provisioner.ProvisionAsync("acme", "site-a", Ct);

        var orgId = rerun.Organization.Id;
        Assert.Single(grafana.OrganizationNames, n => n == "acme");
        Assert.Single(grafana.TeamNames(orgId));
        Assert.Single(grafana.Folders(orgId));
        Assert.Equal(2, grafana.Datasources(orgId).Count);
        Assert.Equal(2, grafana.Dashboards(orgId).Count);
        Assert.Single(influx.Authorizations);
        Assert.Equal(3, influx.Tasks.Count);
        Assert.Equal(4, influx.BucketNames.Count);
        Assert.Empty(rerun.Created);
        Assert.All(rerun.Dashboards, d => Assert.True(d.Saved));
    }

    [Fact]
    public async Task ADatasourceGrafanaRefusesLeavesNoTokenBehind()
    {
        await using var grafana = await GrafanaApiDouble.StartAsync();
        await using var influx = await InfluxApiDouble.StartAsync();
        using var host = ProvisioningHost.Start(grafana, influx);
        grafana.FailNext("POST", "/api/datasources", 400, "plugin not installed", times: 1);

        var failure = await Assert.ThrowsAsync<ProvisioningException>(() => host.Provisioner.ProvisionAsync("acme", null, Ct));

        Assert.Equal(ProvisioningSteps.InfluxDatasource, failure.Step);
        Assert.Contains("plugin not installed", failure.Message, StringComparison.Ordinal);
        Assert.Empty(influx.Authorizations);

        var rerun = await host.Provisioner.ProvisionAsync("acme", null, Ct);
        Assert.Equal(rerun.AuthorizationId, (string?)Assert.Single(influx.Authorizations)["id"]);
    }

    [Fact]
    public async Task ATokenTheDatasourceLostIsReplacedAndOnlyThenItsPredecessorDeleted()
    {
        await using var grafana = await GrafanaApiDouble.StartAsync();
        await using var influx = await InfluxApiDouble.StartAsync();
        using var host = ProvisioningHost.Start(grafana, influx);
        var first = await host.Provisioner.ProvisionAsync("acme", null, Ct);
        var orgId = first.Organization.Id;
        grafana.ForgetSecret(orgId, first.InfluxDatasource.Uid, "token");

        var second = await host.Provisioner.ProvisionAsync("acme", null, Ct);

        Assert.True(second.InfluxDatasource.SecretIssued);
        Assert.Equal(first.AuthorizationId, second.InfluxDatasource.RevokedSecretId);
        Assert.Equal(second.AuthorizationId, (string?)Assert.Single(influx.Authorizations)["id"]);
        var token = grafana.SecretOf(orgId, first.InfluxDatasource.Uid, "token")!;
        Assert.Equal(200, await influx.QueryStatusAsync(token, "from(bucket: \"acme_1h\") |> range(start: -1h)"));
        Assert.Equal($"/api/v2/authorizations/{first.AuthorizationId}", influx.Requests.Single(r => r.Method == "DELETE").Path);
    }

    [Fact]
    public async Task WhenGrafanaRefusesTheReplacementTokenThePredecessorStaysAndTheReplacementGoes()
    {
        await using var grafana = await GrafanaApiDouble.StartAsync();
        await using var influx = await InfluxApiDouble.StartAsync();
        using var host = ProvisioningHost.Start(grafana, influx);
        var first = await host.Provisioner.ProvisionAsync("acme", null, Ct);
        grafana.ForgetSecret(first.Organization.Id, first.InfluxDatasource.Uid, "token");
        grafana.FailNext("PUT", "/api/datasources/uid/" + first.InfluxDatasource.Uid, 400, "invalid jsonData", times: 1);

        var failure = await Assert.ThrowsAsync<ProvisioningException>(() => host.Provisioner.ProvisionAsync("acme", null, Ct));

        // Revoking comes only after the new token is stored: here it never was, so the old one is still there.
        Assert.Equal(ProvisioningSteps.InfluxDatasource, failure.Step);
        Assert.Equal(first.AuthorizationId, (string?)Assert.Single(influx.Authorizations)["id"]);
    }

    [Fact]
    public async Task AnAuthorizationDeletedInInfluxDbIsReplacedInTheDatasource()
    {
        await using var grafana = await GrafanaApiDouble.StartAsync();
        await using var influx = await InfluxApiDouble.StartAsync();
        using var host = ProvisioningHost.Start(grafana, influx);
        var first = await host.Provisioner.ProvisionAsync("acme", null, Ct);
        var oldToken = grafana.SecretOf(first.Organization.Id, first.InfluxDatasource.Uid, "token")!;
        await DeleteAuthorizationAsync(influx, first.AuthorizationId!);

        var second = await host.Provisioner.ProvisionAsync("acme", null, Ct);

        Assert.NotEqual(first.AuthorizationId, second.AuthorizationId);
        var newToken = grafana.SecretOf(first.Organization.Id, first.InfluxDatasource.Uid, "token")!;
        Assert.NotEqual(oldToken, newToken);
        Assert.Equal(200, await influx.QueryStatusAsync(newToken, "from(bucket: \"acme\") |> range(start: -1h)"));
        Assert.Single(influx.Authorizations);
    }

    [Fact]
    public async Task ADeletedDatasourceIsCreatedAgainWithANewTokenAndTheOldAuthorizationGoes()
    {
        await using var grafana = await GrafanaApiDouble.StartAsync();
        await using var influx = await InfluxApiDouble.StartAsync();
        using var host = ProvisioningHost.Start(grafana, influx);
        var first = await host.Provisioner.ProvisionAsync("acme", null, Ct);
        grafana.DeleteDatasource(first.Organization.Id, first.InfluxDatasource.Uid);

        var second = await host.Provisioner.ProvisionAsync("acme", null, Ct);

        Assert.Equal(DatasourceChange.Created, second.InfluxDatasource.Change);
        // The old authorization is held by nobody now, but it is less than an hour old: it may be a concurrent
        // run's, about to be saved. It goes once it is old (a later run), not now.
        Assert.Contains(influx.Authorizations, a => (string?)a["id"] == second.AuthorizationId);
        Assert.Equal(2, influx.Authorizations.Count);
    }

    [Fact]
    public async Task AChangedTaskScriptIsUpdatedInPlaceAndDuplicateTasksAreRemoved()
    {
        await using var grafana = await GrafanaApiDouble.StartAsync();
        await using var influx = await InfluxApiDouble.StartAsync();
        // What the original's first version left: one task per level with the one-window range, twice for 1h.
        var upstream = (string level, string every, string offset) => $$"""
            option task = {name: "downsample_acme_{{level}}", every: {{every}}, offset: {{offset}}}

            from(bucket: "acme")
              |> range(start: -task.every)
              |> filter(fn: (r) => r._measurement == "electrical")
              |> aggregateWindow(every: {{every}}, fn: mean, createEmpty: false)
              |> to(bucket: "acme_{{level}}", org: "powerview-org")
            """;
        var kept = influx.AddTask(upstream("1h", "1h", "5m"));
        influx.AddTask(upstream("1h", "1h", "5m"));
        var daily = influx.AddTask(upstream("1d", "1d", "1h"));
        using var host = ProvisioningHost.Start(grafana, influx);

        var result = await host.Provisioner.ProvisionAsync("acme", null, Ct, "America/New_York");

        Assert.Equal(3, influx.Tasks.Count);
        var hourly = result.Tasks.Single(t => t.Level == "1h");
        Assert.Equal(kept, hourly.Id);
        Assert.Equal(TaskChange.Updated, hourly.Change);
        Assert.Equal((daily, TaskChange.Updated), (result.Tasks.Single(t => t.Level == "1d").Id, result.Tasks.Single(t => t.Level == "1d").Change));
        Assert.Equal(TaskChange.Created, result.Tasks.Single(t => t.Level == "1w").Change);
        var dailyScript = (string)influx.Tasks.Single(t => (string?)t["id"] == daily)["flux"]!;
        Assert.Contains("timezone.location(name: \"America/New_York\")", dailyScript, StringComparison.Ordinal);
        Assert.Equal(["PATCH", "PATCH"], influx.Requests.Where(r => r.Path.StartsWith("/api/v2/tasks/", StringComparison.Ordinal) && r.Method == "PATCH").Select(r => r.Method));

        // The same zone again: nothing to update. Another zone: the daily and weekly tasks follow it.
        var same = await host.Provisioner.ProvisionAsync("acme", null, Ct, "America/New_York");
        Assert.All(same.Tasks, t => Assert.Equal(TaskChange.Unchanged, t.Change));
        var moved = await host.Provisioner.ProvisionAsync("acme", null, Ct, "Europe/Paris");
        Assert.Equal([TaskChange.Unchanged, TaskChange.Updated, TaskChange.Updated], moved.Tasks.OrderBy(t => t.Level == "1h" ? 0 : t.Level == "1d" ? 1 : 2).Select(t => t.Change));
    }

    [Fact]
    public async Task TwoProcessesProvisioningTheSameCompanyAtOnceLeaveOneOfEverything()
    {
        await using var grafana = await GrafanaApiDouble.StartAsync();
        await using var influx = await InfluxApiDouble.StartAsync();
        var names = CompanyNames.For("acme");
        // Each create waits for the other process's: both looked first and found nothing, and one create conflicts.
        influx.HoldBucketLookups("acme", 2);
        grafana.Hold("POST", "/api/orgs", 2);
        grafana.Hold("POST", "/api/teams", 2);
        grafana.Hold("POST", "/api/folders", 2);
        grafana.Hold("POST", "/api/datasources", 2);
        var keys = new FakeCompanyApiKeys();
        using var one = ProvisioningHost.Start(grafana, influx, keys: keys);
        using var two = ProvisioningHost.Start(grafana, influx, keys: keys);

        var results = await Task.WhenAll(
            Task.Run(() => one.Provisioner.ProvisionAsync("acme", "site-a", Ct), Ct),
            Task.Run(() => two.Provisioner.ProvisionAsync("acme", "site-b", Ct), Ct));

        var orgId = Assert.Single(results.Select(r => r.Organization.Id).Distinct());
        Assert.Single(grafana.OrganizationNames, n => n == "acme");
        Assert.Single(grafana.TeamNames(orgId));
        Assert.Single(grafana.Folders(orgId));
        Assert.Equal(2, grafana.Datasources(orgId).Count);
        Assert.Equal(2, grafana.Dashboards(orgId).Count);
        Assert.Equal(4, influx.BucketNames.Count);
        Assert.Equal(3, influx.Tasks.Count);
        // Exactly one token survives, and it is the one the datasource holds; the same for the monitoring key.
        var held = grafana.Datasources(orgId).Single(d => d.Str("uid") == names.InfluxDatasourceUid)["jsonData"].Str(CompanyDatasources.TokenIdKey);
        Assert.Equal(held, (string?)Assert.Single(influx.Authorizations)["id"]);
        var token = grafana.SecretOf(orgId, names.InfluxDatasourceUid, "token")!;
        Assert.Equal(200, await influx.QueryStatusAsync(token, "from(bucket: \"acme\") |> range(start: -1h)"));
        var keyId = grafana.Datasources(orgId).Single(d => d.Str("uid") == names.ApiDatasourceUid)["jsonData"].Str(CompanyDatasources.KeyIdKey);
        Assert.Equal(keyId, Assert.Single(keys.Keys).Id);
        // The conflicts really happened: both created, one lost each race.
        Assert.Contains(grafana.Requests, r => r.Method == "POST" && r.Path == "/api/orgs" && r.Status == 409);
        Assert.Contains(influx.Requests, r => r.Is(HttpMethod.Post, "/api/v2/buckets") && r.Status == 422);
        Assert.Contains(grafana.Requests, r => r.Method == "POST" && r.Path == "/api/datasources" && r.Status == 409);
        Assert.Contains(grafana.Requests, r => r.Method == "POST" && r.Path == "/api/teams" && r.Status == 409);
    }

    [Fact]
    public async Task TwoProcessesAddingTheSameUserAtOnceCreateOneUserAndOneMembership()
    {
        await using var grafana = await GrafanaApiDouble.StartAsync();
        await using var influx = await InfluxApiDouble.StartAsync();
        using var one = ProvisioningHost.Start(grafana, influx);
        using var two = ProvisioningHost.Start(grafana, influx);
        var acme = await one.Provisioner.ProvisionAsync("acme", null, Ct);
        // Both reach the create before either is answered, so both looked the user up and found nobody.
        grafana.Hold("POST", "/api/admin/users", 2);
        grafana.Hold("GET", $"/api/teams/{acme.Team.Id}/members", 2);

        var results = await Task.WhenAll(
            Task.Run(() => one.Provisioner.EnsureCompanyUserAsync("acme", "jane", "jane@acme.test", "Jane", null, Ct), Ct),
            Task.Run(() => two.Provisioner.EnsureCompanyUserAsync("acme", "jane", "jane@acme.test", "Jane", null, Ct), Ct));

        // One created her (and holds the password), the other met 412 and found her; one team add met 400.
        Assert.Single(results, r => r.Created);
        Assert.Single(results, r => r.GeneratedPassword is not null);
        Assert.Single(results.Select(r => r.UserId).Distinct());
        Assert.Contains(grafana.Requests, r => r.Path == "/api/admin/users" && r.Status == 412);
        Assert.Contains(grafana.Requests, r => r.Path == $"/api/teams/{acme.Team.Id}/members" && r.Method == "POST" && r.Status == 400);
        Assert.Equal(["jane"], grafana.TeamMemberLogins(acme.Organization.Id, "acme"));
        Assert.Equal(["acme"], grafana.OrganizationsOf("jane"));
    }

    [Fact]
    public async Task NoSecretEverReachesTheLogs()
    {
        await using var grafana = await GrafanaApiDouble.StartAsync();
        await using var influx = await InfluxApiDouble.StartAsync();
        using var host = ProvisioningHost.Start(grafana, influx);
        var acme = await host.Provisioner.ProvisionAsync("acme", null, Ct);
        grafana.ForgetSecret(acme.Organization.Id, acme.InfluxDatasource.Uid, "token");
        await host.Provisioner.ProvisionAsync("acme", null, Ct);
        var jane = await host.Provisioner.EnsureCompanyUserAsync("acme", "jane", "jane@acme.test", "Jane", null, Ct);
        await host.Provisioner.EnsureCompanyUserAsync("acme", "joe", "joe@acme.test", "Joe", "joe-chosen-password", Ct);

        var secrets = new[]
        {
            grafana.SecretOf(acme.Organization.Id, acme.InfluxDatasource.Uid, "token")!,
            grafana.SecretOf(acme.Organization.Id, acme.ApiDatasource!.Uid, "bearerToken")!,
            jane.GeneratedPassword!,
            "joe-chosen-password",
            GrafanaApiDouble.AdminPassword,
            InfluxApiDouble.AllAccessToken,
            Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes($"{GrafanaApiDouble.AdminLogin}:{GrafanaApiDouble.AdminPassword}")),
        };

        Assert.NotEmpty(host.Logs.Lines);
        Assert.Contains(host.Logs.Lines, l => l.Contains("api/datasources", StringComparison.Ordinal));
        Assert.All(host.Logs.Lines, line => Assert.All(secrets, s => Assert.DoesNotContain(s, line, StringComparison.Ordinal)));
    }

    [Fact]
    public async Task OneProcessProvisionsACompanyOnceAtATime()
    {
        await using var grafana = await GrafanaApiDouble.StartAsync();
        await using var influx = await InfluxApiDouble.StartAsync();
        using var host = ProvisioningHost.Start(grafana, influx);

        var results = await Task.WhenAll(
            Task.Run(() => host.Provisioner.ProvisionAsync("acme", "site-a", Ct), Ct),
            Task.Run(() => host.Provisioner.ProvisionAsync("acme", "site-b", Ct), Ct));

        // Serialized: one run did everything, the other found it done. Unserialized, both would have raced and conflicted.
        Assert.Single(results, r => r.Changed);
        Assert.DoesNotContain(grafana.Requests, r => r.Status is 409 or 412);
        Assert.DoesNotContain(influx.Requests, r => r.Status == 422);
    }

    [Fact]
    public async Task AFolderUidConflictAnswered412AsUpToGrafana101IsReadAgain()
    {
        await using var grafana = await GrafanaApiDouble.StartAsync();
        await using var influx = await InfluxApiDouble.StartAsync();
        grafana.FolderUidConflictStatus = 412;
        grafana.Hold("POST", "/api/folders", 2);
        using var one = ProvisioningHost.Start(grafana, influx);
        using var two = ProvisioningHost.Start(grafana, influx);

        await Task.WhenAll(
            Task.Run(() => one.Provisioner.ProvisionAsync("acme", null, Ct), Ct),
            Task.Run(() => two.Provisioner.ProvisionAsync("acme", null, Ct), Ct));

        Assert.Contains(grafana.Requests, r => r.Method == "POST" && r.Path == "/api/folders" && r.Status == 412);
        Assert.Single(grafana.Folders(grafana.OrganizationId("acme")!.Value));
    }

    private static async Task DeleteAuthorizationAsync(InfluxApiDouble influx, string id)
    {
        using var http = new HttpClient { BaseAddress = influx.Url };
        using var request = new HttpRequestMessage(HttpMethod.Delete, $"/api/v2/authorizations/{id}");
        request.Headers.TryAddWithoutValidation("Authorization", "Token " + InfluxApiDouble.AllAccessToken);
        using var response = await http.SendAsync(request);
        Assert.Equal(204, (int)response.StatusCode);
    }
}
