using System.Net;
using PowerView.Api.Runs;
using PowerView.Api.Tests.Infrastructure;
using static PowerView.Api.Tests.Infrastructure.RunsApi;

namespace PowerView.Api.Tests.Runs;

/// <summary>A company key sees its company only; the admin key sees everything.</summary>
public abstract class TenantScopingTests(RunStoreKind store)
{
    private async Task<PowerViewApplication> StartWithTwoCompaniesAsync(TempFolder folder)
    {
        var app = await store.NewAppAsync(folder);
        await app.RecordAsync(
            Ingest(T0, "company1", "c1", "02001171", "T302_mine.tsv"),
            Ingest(T0.AddMinutes(1), "company1", "c1", "02001171", "T302_mine_bad.tsv", RunStatus.Error),
            Ingest(T0.AddMinutes(2), "acme", "site1", "02000800", "T302_theirs.tsv"),
            Ingest(T0.AddMinutes(3), "acme", "site1", "02000800", "T302_theirs_bad.tsv", RunStatus.Error),
            Provision(T0.AddMinutes(4), "acme", "site1"),
            Provision(T0.AddMinutes(5), "company1", "c1"));
        return app;
    }

    [Fact]
    public async Task ACompanyKeyListsOnlyItsOwnRunsErrorsCampaignsAndDays()
    {
        using var folder = new TempFolder();
        await using var app = await StartWithTwoCompaniesAsync(folder);
        using var client = app.CreateClient(PowerViewApplication.Company1Key);

        var runs = await client.GetRunsAsync("/api/runs");
        var errors = await client.GetRunsAsync("/api/errors");
        var campaigns = await client.GetJsonAsync("/api/campaigns");
        var days = await client.GetJsonAsync("/api/stats/daily?from=2026-01-01&to=2026-01-31");

        Assert.Equal(3, runs.Count);
        Assert.All(runs, r => Assert.Equal("company1", r.Company));
        Assert.Equal("T302_mine_bad.tsv", Assert.Single(errors).FileName);
        Assert.Equal("company1", Assert.Single(campaigns.EnumerateArray()).GetProperty("company").GetString());
        Assert.Equal(2, Assert.Single(days.EnumerateArray()).GetProperty("runs").GetInt64());
    }

    [Theory]
    [InlineData("/api/runs?company=acme")]
    [InlineData("/api/errors?company=acme")]
    [InlineData("/api/campaigns?company=acme")]
    [InlineData("/api/stats/daily?company=acme&from=2026-01-01&to=2026-01-31")]
    public async Task ACompanyKeyAskingForAnotherCompanyGetsAnEmptyList(string url)
    {
        using var folder = new TempFolder();
        await using var app = await StartWithTwoCompaniesAsync(folder);
        using var client = app.CreateClient(PowerViewApplication.Company1Key);

        var json = await client.GetJsonAsync(url);

        Assert.Empty(json.EnumerateArray());
    }

    [Fact]
    public async Task ACompanyKeyAskingForItsOwnAndAnotherCompanyGetsOnlyItsOwn()
    {
        using var folder = new TempFolder();
        await using var app = await StartWithTwoCompaniesAsync(folder);
        using var client = app.CreateClient(PowerViewApplication.Company1Key);

        var runs = await client.GetRunsAsync("/api/runs?company=acme,company1");

        Assert.Equal(3, runs.Count);
        Assert.All(runs, r => Assert.Equal("company1", r.Company));
    }

    [Fact]
    public async Task AnotherCompanysCampaignAndRunAre404LikeMissingOnes()
    {
        using var folder = new TempFolder();
        await using var app = await StartWithTwoCompaniesAsync(folder);
        using var admin = app.CreateClient(PowerViewApplication.AdminKey);
        using var company = app.CreateClient(PowerViewApplication.Company1Key);
        var theirRun = (await admin.GetRunsAsync("/api/runs?company=acme&limit=1"))[0].Id;
        var ownRun = (await admin.GetRunsAsync("/api/runs?company=company1&limit=1"))[0].Id;

        using var theirCampaign = await company.GetAsync("/api/campaigns/acme/site1", TestContext.Current.CancellationToken);
        using var missingCampaign = await company.GetAsync("/api/campaigns/company1/nope", TestContext.Current.CancellationToken);
        using var theirReport = await company.GetAsync("/api/runs/" + theirRun, TestContext.Current.CancellationToken);
        using var ownReport = await company.GetAsync("/api/runs/" + ownRun, TestContext.Current.CancellationToken);
        using var ownCampaign = await company.GetAsync("/api/campaigns/company1/c1", TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.NotFound, theirCampaign.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, theirReport.StatusCode);
        // The same answer as for a campaign that does not exist, but for the trace id.
        Assert.Equal(HttpStatusCode.NotFound, missingCampaign.StatusCode);
        Assert.Equal(await WithoutTraceIdAsync(missingCampaign), await WithoutTraceIdAsync(theirCampaign));
        Assert.Equal(HttpStatusCode.OK, ownReport.StatusCode);
        Assert.Equal(HttpStatusCode.OK, ownCampaign.StatusCode);
    }

    [Fact]
    public async Task TheAdminKeySeesEveryCompany()
    {
        using var folder = new TempFolder();
        await using var app = await StartWithTwoCompaniesAsync(folder);
        using var client = app.CreateClient(PowerViewApplication.AdminKey);

        var runs = await client.GetRunsAsync("/api/runs");
        var campaigns = await client.GetJsonAsync("/api/campaigns");

        Assert.Equal(6, runs.Count);
        Assert.Equal(["acme", "company1"], campaigns.EnumerateArray().Select(c => c.GetProperty("company").GetString()));
    }

    private static async Task<string> WithoutTraceIdAsync(HttpResponseMessage response)
    {
        var body = System.Text.Json.Nodes.JsonNode.Parse(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken))!.AsObject();
        body.Remove("traceId");
        return body.ToJsonString();
    }
}

public sealed class TenantScopingTestsOnSqlite() : TenantScopingTests(RunStoreKind.Sqlite);

public sealed class TenantScopingTestsOnPostgreSql(SharedPostgreSql pg) : TenantScopingTests(RunStoreKind.PostgreSql(pg));
