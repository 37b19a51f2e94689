using System.Text.Json;
using Hangfire;
using Hangfire.States;
using Microsoft.Extensions.DependencyInjection;
using PowerView.Api.Provisioning;
using PowerView.Api.Runs;
using PowerView.Api.Tests.Infrastructure;
using PowerView.Api.Tests.Infrastructure.Doubles;

namespace PowerView.Api.Tests.Provisioning;

/// <summary>
/// Issue 10's "done when", tried as a new user would: SFTPGo's mkdir events through the real hook, the provision job
/// on Hangfire, the run history and the company API, against the Grafana and InfluxDB doubles.
/// </summary>
public sealed class ProvisioningEndToEndTests
{
    private const string Admin = PowerViewApplication.AdminKey;

    private static bool IsProvision(RunRecord r, string company, RunStatus status = RunStatus.Success) =>
        r.Kind == RunKind.Provision && r.Company == company && r.Status == status;

    [Fact]
    public async Task AMkdirOfACampaignGivesTheCompanyItsOrganizationTeamPrivateFolderWorkingDatasourceAndDashboards()
    {
        using var folder = new TempFolder();
        await using var grafana = await GrafanaApiDouble.StartAsync();
        await using var influx = await InfluxApiDouble.StartAsync();
        await using var app = ProvisioningService.Create(folder, grafana, influx);
        using var client = await app.StartProvisioningAsync();

        var hook = await ProvisioningService.MkdirAsync(client, folder, "acme/site-a");
        var run = await app.WaitForRunAsync(r => r.Kind == RunKind.Provision && r.Company == "acme");

        Assert.Equal("queued", hook.GetProperty("status").GetString());
        Assert.True(run.Status == RunStatus.Success, run.Error);
        Assert.Equal(("site-a", RunTrigger.Hook, "Europe/Paris", "Ingestion:TimeZone"), (run.Campaign, run.Trigger, run.TimeZone, run.TimeZoneSource));
        Assert.Contains("organization:acme", run.Message, StringComparison.Ordinal);
        var orgId = Assert.IsType<long>(grafana.OrganizationId("acme"));
        Assert.Equal(["acme"], grafana.TeamNames(orgId));
        var (folderUid, title) = Assert.Single(grafana.Folders(orgId));
        Assert.Equal("acme", title);
        // Only the team may view the folder: no default Viewer or Editor grant is left.
        Assert.Equal([("acme", "", "", 1)], grafana.FolderGrants(orgId, folderUid));
        var influxDs = Assert.Single(grafana.Datasources(orgId), d => d.Str("type") == "influxdb");
        var token = grafana.SecretOf(orgId, influxDs.Str("uid")!, "token")!;
        Assert.Equal(200, await influx.QueryStatusAsync(token, "from(bucket: \"acme_1d\") |> range(start: -1h)"));
        influx.AddBucket("other");
        Assert.Equal(404, await influx.QueryStatusAsync(token, "from(bucket: \"other\") |> range(start: -1h)"));
        var dashboards = grafana.Dashboards(orgId);
        Assert.Equal(2, dashboards.Count);
        Assert.All(dashboards, d => Assert.Equal(folderUid, d.FolderUid));
        Assert.Empty(grafana.Datasources(GrafanaApiDouble.MainOrgId));

        // The company API says what was made, by id, and holds no secret.
        var company = await ProvisioningService.GetAsync(client, "/api/companies/acme", Admin);
        Assert.Equal(200, company.Status);
        var body = company.Body;
        Assert.True(body.GetProperty("provisioned").GetBoolean());
        Assert.Equal(orgId, body.GetProperty("organizationId").GetInt64());
        Assert.Equal(folderUid, body.GetProperty("folderUid").GetString());
        Assert.Equal(influxDs.Str("uid"), body.GetProperty("influxDatasourceUid").GetString());
        Assert.Equal((string?)Assert.Single(influx.Authorizations)["id"], body.GetProperty("tokenId").GetString());
        Assert.Equal(dashboards.Select(d => d.Uid).Order(), body.GetProperty("dashboards").EnumerateArray().Select(d => d.GetProperty("uid").GetString()).Order());
        Assert.Equal(["acme", "acme_1h", "acme_1d", "acme_1w"], body.GetProperty("buckets").EnumerateArray().Select(b => b.GetProperty("name").GetString()));
        Assert.Equal(influx.BucketId("acme_1w"), body.GetProperty("buckets")[3].GetProperty("id").GetString());
        Assert.Equal(3, body.GetProperty("tasks").GetArrayLength());
        Assert.Equal(["site-a"], body.GetProperty("campaigns").EnumerateArray().Select(c => c.GetString()));
        Assert.Equal((run.Id, "success"), (body.GetProperty("lastRunId").GetString(), body.GetProperty("lastRunStatus").GetString()));
        var key = grafana.SecretOf(orgId, body.GetProperty("apiDatasourceUid").GetString()!, "bearerToken")!;
        Assert.DoesNotContain(token, company.Text, StringComparison.Ordinal);
        Assert.DoesNotContain(key, company.Text, StringComparison.Ordinal);
        var list = await ProvisioningService.GetAsync(client, "/api/companies", Admin);
        Assert.Equal(["acme"], list.Body.EnumerateArray().Select(c => c.GetProperty("company").GetString()));
        Assert.Equal(404, (await ProvisioningService.GetAsync(client, "/api/companies/globex", Admin)).Status);
    }

    [Fact]
    public async Task RepeatingTheMkdirOrAddingACampaignCreatesNothingTwiceAndKeepsTheToken()
    {
        using var folder = new TempFolder();
        await using var grafana = await GrafanaApiDouble.StartAsync();
        await using var influx = await InfluxApiDouble.StartAsync();
        var states = new JobStates();
        await using var app = ProvisioningService.Create(folder, grafana, influx, states: states);
        using var client = await app.StartProvisioningAsync();
        var firstJob = (await ProvisioningService.MkdirAsync(client, folder, "acme/site-a")).GetProperty("jobId").GetString();
        var first = await app.WaitForRunAsync(r => IsProvision(r, "acme"));
        // Until its job has ended, the same mkdir is answered "duplicate" (that job is provisioning the folder).
        await states.WaitForAsync(SucceededState.StateName, firstJob);
        var orgId = grafana.OrganizationId("acme")!.Value;
        var influxUid = grafana.Datasources(orgId).Single(d => d.Str("type") == "influxdb").Str("uid")!;
        var token = grafana.SecretOf(orgId, influxUid, "token");
        var grafanaWrites = grafana.Requests.Count(r => r.IsWrite);
        var influxWrites = influx.Requests.Count(r => r.Method is "POST" or "PATCH" or "PUT" or "DELETE");

        var repeated = await ProvisioningService.MkdirAsync(client, folder, "acme/site-a");
        var again = await app.WaitForRunAsync(r => IsProvision(r, "acme") && r.Id != first.Id);
        await ProvisioningService.MkdirAsync(client, folder, "acme/site-b");
        var siteB = await app.WaitForRunAsync(r => IsProvision(r, "acme") && r.Campaign == "site-b");

        Assert.Equal("queued", repeated.GetProperty("status").GetString());
        Assert.Equal(grafanaWrites, grafana.Requests.Count(r => r.IsWrite));
        Assert.Equal(influxWrites, influx.Requests.Count(r => r.Method is "POST" or "PATCH" or "PUT" or "DELETE"));
        Assert.Equal(token, grafana.SecretOf(orgId, influxUid, "token"));
        Assert.Single(influx.Authorizations);
        Assert.Single(grafana.OrganizationNames, n => n == "acme");
        Assert.StartsWith("nothing to change", again.Message, StringComparison.Ordinal);
        Assert.StartsWith("nothing to change", siteB.Message, StringComparison.Ordinal);
        var company = await ProvisioningService.GetAsync(client, "/api/companies/acme", Admin);
        Assert.Equal(["site-a", "site-b"], company.Body.GetProperty("campaigns").EnumerateArray().Select(c => c.GetString()));
        Assert.Equal(siteB.Id, company.Body.GetProperty("lastRunId").GetString());
    }

    [Fact]
    public async Task AnotherCompanyGetsItsOwnOrganizationAndAUserAddedToAcmeSeesAcmeAndNothingElse()
    {
        using var folder = new TempFolder();
        await using var grafana = await GrafanaApiDouble.StartAsync();
        await using var influx = await InfluxApiDouble.StartAsync();
        await using var app = ProvisioningService.Create(folder, grafana, influx);
        using var client = await app.StartProvisioningAsync();
        await ProvisioningService.MkdirAsync(client, folder, "acme/site-a");
        await ProvisioningService.MkdirAsync(client, folder, "globex/x");
        await app.WaitForRunAsync(r => IsProvision(r, "acme"));
        await app.WaitForRunAsync(r => IsProvision(r, "globex"));
        var acmeOrg = grafana.OrganizationId("acme")!.Value;
        var globexOrg = grafana.OrganizationId("globex")!.Value;

        var created = await ProvisioningService.PostJsonAsync(client, "/api/companies/acme/users",
            new { login = "jdupont", email = "j.dupont@acme.example", name = "Jeanne Dupont" }, Admin);
        var repeated = await ProvisioningService.PostJsonAsync(client, "/api/companies/acme/users",
            new { login = "jdupont", email = "j.dupont@acme.example", name = "Jeanne Dupont" }, Admin);
        var users = await ProvisioningService.GetAsync(client, "/api/companies/acme/users", Admin);

        Assert.NotEqual(acmeOrg, globexOrg);
        Assert.Equal(["globex"], grafana.TeamNames(globexOrg));
        Assert.Equal(201, created.Status);
        Assert.Equal("no-store", created.Headers.CacheControl?.ToString());
        Assert.True(created.Body.GetProperty("created").GetBoolean());
        Assert.Equal(acmeOrg, created.Body.GetProperty("organizationId").GetInt64());
        var password = created.Body.GetProperty("generatedPassword").GetString()!;
        Assert.True(password.Length >= 20);
        Assert.Equal(200, repeated.Status);
        Assert.False(repeated.Body.GetProperty("created").GetBoolean());
        Assert.Equal(JsonValueKind.Null, repeated.Body.GetProperty("generatedPassword").ValueKind);
        var row = Assert.Single(users.Body.EnumerateArray());
        Assert.Equal(("jdupont", "Viewer", true), (row.GetProperty("login").GetString(), row.GetProperty("role").GetString(), row.GetProperty("inTeam").GetBoolean()));

        // She sees acme and nothing else.
        Assert.Equal(["acme"], grafana.OrganizationsOf("jdupont"));
        var acmeFolder = grafana.Folders(acmeOrg).Single().Uid;
        Assert.Equal(200, await GrafanaUserCalls.GetAsync(grafana, "jdupont", password, $"/api/folders/{acmeFolder}", acmeOrg));
        Assert.Equal(401, await GrafanaUserCalls.GetAsync(grafana, "jdupont", password, $"/api/folders/{grafana.Folders(globexOrg).Single().Uid}", globexOrg));
        Assert.Equal(401, await GrafanaUserCalls.GetAsync(grafana, "jdupont", password, "/api/datasources", GrafanaApiDouble.MainOrgId));
        // The password was in the answer and nowhere else.
        Assert.DoesNotContain(app.Logs.All, e => e.RenderMessage().Contains(password, StringComparison.Ordinal)
            || e.Properties.Values.Any(v => v.ToString().Contains(password, StringComparison.Ordinal)));
    }

    [Fact]
    public async Task BadUserRequestsAreProblemDetailsAndNoGrafanaCallIsMade()
    {
        using var folder = new TempFolder();
        await using var grafana = await GrafanaApiDouble.StartAsync();
        await using var influx = await InfluxApiDouble.StartAsync();
        await using var app = ProvisioningService.Create(folder, grafana, influx);
        using var client = await app.StartProvisioningAsync();
        await ProvisioningService.MkdirAsync(client, folder, "acme");
        await app.WaitForRunAsync(r => IsProvision(r, "acme"));
        var before = grafana.Requests.Count;

        var invalid = await ProvisioningService.PostJsonAsync(client, "/api/companies/acme/users", new { login = "", email = "not-an-email", password = "short" }, Admin);
        var admin = await ProvisioningService.PostJsonAsync(client, "/api/companies/acme/users", new { login = GrafanaApiDouble.AdminLogin, email = "a@b.c" }, Admin);
        var unknown = await ProvisioningService.PostJsonAsync(client, "/api/companies/initech/users", new { login = "bob", email = "bob@initech.example" }, Admin);
        var companyKey = await ProvisioningService.PostJsonAsync(client, "/api/companies/acme/users", new { login = "bob", email = "bob@acme.example" }, PowerViewApplication.Company1Key);
        var noKey = await ProvisioningService.GetAsync(client, "/api/companies", "wrong-key-0123456789");

        Assert.Equal(400, invalid.Status);
        Assert.Equal(["email", "login", "password"], invalid.Body.GetProperty("errors").EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal));
        Assert.Equal(400, admin.Status);
        Assert.Contains("Grafana:AdminUser", admin.Body.GetProperty("errors").GetProperty("login")[0].GetString(), StringComparison.Ordinal);
        Assert.Equal(404, unknown.Status);
        Assert.Contains("provision initech", unknown.Body.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(403, companyKey.Status);
        Assert.Equal(401, noKey.Status);
        Assert.Equal(before, grafana.Requests.Count);
    }

    [Fact]
    public async Task TheKeyGivenToTheInfinityDatasourceReadsAcmesRunsOnlyAndConfiguredKeysStillWork()
    {
        using var folder = new TempFolder();
        await using var grafana = await GrafanaApiDouble.StartAsync();
        await using var influx = await InfluxApiDouble.StartAsync();
        await using var app = ProvisioningService.Create(folder, grafana, influx);
        using var client = await app.StartProvisioningAsync();
        await ProvisioningService.MkdirAsync(client, folder, "acme/site-a");
        await ProvisioningService.MkdirAsync(client, folder, "globex/x");
        var acmeRun = await app.WaitForRunAsync(r => IsProvision(r, "acme"));
        var globexRun = await app.WaitForRunAsync(r => IsProvision(r, "globex"));
        var acmeOrg = grafana.OrganizationId("acme")!.Value;
        var apiDs = grafana.Datasources(acmeOrg).Single(d => d.Str("type") == "yesoreyeram-infinity-datasource");
        var key = grafana.SecretOf(acmeOrg, apiDs.Str("uid")!, "bearerToken")!;

        var runs = await ProvisioningService.GetAsync(client, "/api/runs", key);
        var ownRun = await ProvisioningService.GetAsync(client, $"/api/runs/{acmeRun.Id}", key);
        var otherRun = await ProvisioningService.GetAsync(client, $"/api/runs/{globexRun.Id}", key);
        var otherCampaign = await ProvisioningService.GetAsync(client, "/api/campaigns/globex/x", key);
        var askedForGlobex = await ProvisioningService.GetAsync(client, "/api/runs?company=globex", key);
        var companies = await ProvisioningService.GetAsync(client, "/api/companies", key);
        var configured = await ProvisioningService.GetAsync(client, "/api/runs", PowerViewApplication.Company1Key);

        Assert.Equal(200, runs.Status);
        Assert.Equal([acmeRun.Id], runs.Body.EnumerateArray().Select(r => r.GetProperty("id").GetString()));
        Assert.Equal(200, ownRun.Status);
        Assert.Equal(404, otherRun.Status);
        Assert.Equal(404, otherCampaign.Status);
        Assert.Empty(askedForGlobex.Body.EnumerateArray());
        Assert.Equal(403, companies.Status);
        Assert.Equal(200, configured.Status);
        Assert.Empty(configured.Body.EnumerateArray());
        // The Infinity datasource's health check URL answers with that key.
        Assert.Equal(200, (await ProvisioningService.GetAsync(client, "/api/campaigns", key)).Status);
    }

    [Fact]
    public async Task UploadsBeforeAnyMkdirProvisionTheCompanyOnce()
    {
        using var folder = new TempFolder();
        await using var grafana = await GrafanaApiDouble.StartAsync();
        await using var influx = await InfluxApiDouble.StartAsync();
        var states = new JobStates();
        await using var app = ProvisioningService.Create(folder, grafana, influx, states: states);
        using var client = await app.StartProvisioningAsync();
        // scp -r: the folders appear with the files, and no mkdir event is sent.
        var files = new[] { "02000800", "02000801", "02000802" }
            .Select(device => folder.PlaceSample("company1/T302_251012_031720.tsv", "acme", "site-a", device)).ToList();

        var answers = await Task.WhenAll(files.Select(f => HookCalls.PostAsync(client, HookCalls.Upload(f))));
        foreach (var (_, answer) in answers)
        {
            await states.WaitForAsync(SucceededState.StateName, answer.GetProperty("jobId").GetString());
        }

        var provisioned = await app.WaitForRunAsync(r => IsProvision(r, "acme"));

        Assert.Equal(3, app.Runs.All.Count(r => r.Kind == RunKind.Ingest && r.Status == RunStatus.Success));
        Assert.Equal(("site-a", RunTrigger.Hook), (provisioned.Campaign, provisioned.Trigger));
        // Every ingestion asked before it ended, so every provisioning they queued exists by now: one for the three.
        Assert.Single(app.Runs.All, r => r.Kind == RunKind.Provision);
        Assert.Equal(1, grafana.Requests.Count(r => r is { Method: "POST", Path: "/api/orgs" }));
        // Three ingestions, the start-up reconcile, one provisioning.
        Assert.Equal(5, app.JobCount());

        // Once provisioned, a new upload of the campaign queues nothing.
        var later = folder.PlaceSample("company1/T302_251012_031720.tsv", "acme", "site-a", "02000803");
        var (_, laterAnswer) = await HookCalls.PostAsync(client, HookCalls.Upload(later));
        await states.WaitForAsync(SucceededState.StateName, laterAnswer.GetProperty("jobId").GetString());
        Assert.Equal(6, app.JobCount());
    }

    [Fact]
    public async Task GrafanaDownThenBackIsRetriedByHangfireAndTheRunsSaySo()
    {
        using var folder = new TempFolder();
        await using var grafana = await GrafanaApiDouble.StartAsync();
        await using var influx = await InfluxApiDouble.StartAsync();
        var states = new JobStates();
        // A back-off far longer than the test: the retry is due when the test says so.
        await using var app = ProvisioningService.Create(folder, grafana, influx, new Dictionary<string, string?> { ["Jobs:RetryDelaysSeconds:0"] = "3600" }, states);
        using var client = await app.StartProvisioningAsync();
        grafana.FailNext("GET", "/api/orgs/name/", 503, "Grafana is restarting", times: 100);

        var hook = await ProvisioningService.MkdirAsync(client, folder, "acme/site-a");
        var jobId = hook.GetProperty("jobId").GetString()!;
        var failed = await app.WaitForRunAsync(r => IsProvision(r, "acme", RunStatus.Error));
        await states.WaitForAsync(ScheduledState.StateName, jobId);
        var whileDown = await ProvisioningService.GetAsync(client, "/api/companies/acme", Admin);
        var duplicate = await ProvisioningService.MkdirAsync(client, folder, "acme/site-a");
        grafana.ClearFaults();
        app.Services.GetRequiredService<IBackgroundJobClient>().Requeue(jobId);
        var retried = await app.WaitForRunAsync(r => IsProvision(r, "acme"));
        var afterwards = await ProvisioningService.GetAsync(client, "/api/companies/acme", Admin);

        Assert.Equal((ProvisioningSteps.GrafanaOrganization, RunTrigger.Hook), (failed.Step, failed.Trigger));
        Assert.Contains("Grafana is restarting", failed.Error, StringComparison.Ordinal);
        Assert.Contains("503", failed.Error, StringComparison.Ordinal);
        Assert.False(whileDown.Body.GetProperty("provisioned").GetBoolean());
        Assert.Equal(("error", ProvisioningSteps.GrafanaOrganization), (whileDown.Body.GetProperty("lastRunStatus").GetString(), whileDown.Body.GetProperty("lastRunStep").GetString()));
        // The retry waiting holds the claim: a repeated mkdir meanwhile is answered with the same job.
        Assert.Equal(("duplicate", jobId), (duplicate.GetProperty("status").GetString(), duplicate.GetProperty("jobId").GetString()));
        Assert.Equal(RunTrigger.Retry, retried.Trigger);
        Assert.Null(retried.Step);
        Assert.True(afterwards.Body.GetProperty("provisioned").GetBoolean());
        Assert.Equal(retried.Id, afterwards.Body.GetProperty("lastRunId").GetString());
        var runs = await ProvisioningService.GetAsync(client, "/api/runs?kind=provision", Admin);
        Assert.Equal(["success", "error"], runs.Body.EnumerateArray().Select(r => r.GetProperty("status").GetString()));
    }

    [Fact]
    public async Task WithoutGrafanaAMkdirIsASkippedRunWithTheReasonAndUploadsQueueNoProvisioning()
    {
        using var folder = new TempFolder();
        var states = new JobStates();
        await using var app = new PowerViewApplication(folder) { TestServices = s => s.AddSingleton<IApplyStateFilter>(states) };
        using var client = await app.StartAsync();
        var file = folder.PlaceSample("company1/T302_251012_031720.tsv", "acme", "site-a");

        var (_, upload) = await HookCalls.PostAsync(client, HookCalls.Upload(file));
        await states.WaitForAsync(SucceededState.StateName, upload.GetProperty("jobId").GetString());
        var jobsAfterUpload = app.JobCount();
        await ProvisioningService.MkdirAsync(client, folder, "acme/site-a");
        var skipped = await app.WaitForRunAsync(r => r.Kind == RunKind.Provision);
        var company = await ProvisioningService.GetAsync(client, "/api/companies/acme", Admin);
        var user = await ProvisioningService.PostJsonAsync(client, "/api/companies/acme/users", new { login = "bob", email = "bob@acme.example" }, Admin);

        Assert.Equal(1, jobsAfterUpload);
        Assert.Equal(RunStatus.Skipped, skipped.Status);
        Assert.Equal("Grafana is not configured (Grafana:Url is empty)", skipped.Message);
        Assert.False(company.Body.GetProperty("provisioned").GetBoolean());
        Assert.Equal("skipped", company.Body.GetProperty("lastRunStatus").GetString());
        Assert.Equal(503, user.Status);
    }
}
