using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using PowerView.Api.Runs.Storage;
using PowerView.Api.Runs;
using PowerView.Api.Tests.Infrastructure;
using static PowerView.Api.Tests.Infrastructure.RunsApi;

namespace PowerView.Api.Tests.Runs;

public abstract class CampaignsEndpointTests(RunStoreKind store)
{
    [Fact]
    public async Task ACampaignRowTellsLastRunLastSuccessLastErrorAndCounts()
    {
        using var folder = new TempFolder();
        await using var app = await store.NewAppAsync(folder);
        await app.RecordAsync(
            Ingest(T0, file: "T302_one.tsv", points: 600),
            Ingest(T0.AddHours(1), file: "T302_two.tsv", points: 300),
            Ingest(T0.AddHours(2), file: "T302_bad.tsv", status: RunStatus.Error, error: "the file is empty: no format lines"),
            Ingest(T0.AddHours(3), device: "02000900", file: "T302_later.tsv", status: RunStatus.Deferred, error: "InfluxDB unavailable"),
            Provision(T0.AddHours(4)));
        using var client = app.CreateClient(PowerViewApplication.AdminKey);

        var row = Assert.Single((await client.GetJsonAsync("/api/campaigns")).EnumerateArray());

        Assert.Equal("acme", row.GetProperty("company").GetString());
        Assert.Equal("site1", row.GetProperty("campaign").GetString());
        Assert.Equal("2026-01-05T13:00:00Z", row.GetProperty("lastRunAt").GetString());
        Assert.Equal("deferred", row.GetProperty("lastStatus").GetString());
        Assert.Equal("2026-01-05T11:00:00Z", row.GetProperty("lastSuccessAt").GetString());
        Assert.Equal("T302_two.tsv", row.GetProperty("lastSuccessFile").GetString());
        Assert.Equal("2026-01-05T12:00:00Z", row.GetProperty("lastErrorAt").GetString());
        Assert.Equal("the file is empty: no format lines", row.GetProperty("lastError").GetString());
        Assert.Equal("T302_bad.tsv", row.GetProperty("lastErrorFile").GetString());
        Assert.Equal(4, row.GetProperty("runs").GetInt64());
        Assert.Equal(1, row.GetProperty("errors").GetInt64());
        Assert.Equal(900, row.GetProperty("pointsWritten").GetInt64());
        Assert.Equal(2, row.GetProperty("deviceCount").GetInt64());
    }

    [Fact]
    public async Task ACampaignListsItsDevicesWithTheLastFileSeen()
    {
        using var folder = new TempFolder();
        await using var app = await store.NewAppAsync(folder);
        await app.RecordAsync(
            Ingest(T0, device: "02000800", file: "T302_a1.tsv"),
            Ingest(T0.AddHours(1), device: "02000900", file: "T302_b1.tsv", status: RunStatus.Error, error: "bad header"),
            Ingest(T0.AddHours(2), device: "02000800", file: "T302_a2.tsv"),
            Ingest(T0.AddHours(3), campaign: "other", device: "02000700"));
        using var client = app.CreateClient(PowerViewApplication.AdminKey);

        var detail = await client.GetJsonAsync("/api/campaigns/acme/site1");

        Assert.Equal("T302_a2.tsv", detail.GetProperty("lastSuccessFile").GetString());
        var devices = detail.GetProperty("devices").EnumerateArray().ToList();
        Assert.Equal(["02000800", "02000900"], devices.Select(d => d.GetProperty("deviceMasterSn").GetString()));
        Assert.Equal("T302_a2.tsv", devices[0].GetProperty("lastFile").GetString());
        Assert.Equal(2, devices[0].GetProperty("runs").GetInt64());
        Assert.Equal(("T302_b1.tsv", "error", "bad header"),
            (devices[1].GetProperty("lastFile").GetString(), devices[1].GetProperty("lastStatus").GetString(), devices[1].GetProperty("lastError").GetString()));
        Assert.Equal(JsonValueKind.Null, devices[1].GetProperty("lastSuccessAt").ValueKind);
    }

    [Fact]
    public async Task RunsFinishingOutOfOrderNeverMoveTheLastFieldsBackwards()
    {
        using var folder = new TempFolder();
        await using var app = await store.NewAppAsync(folder);
        // Two workers: the later run is recorded first.
        await app.RecordAsync(Ingest(T0.AddHours(2), file: "T302_new.tsv"), Ingest(T0, file: "T302_old.tsv", status: RunStatus.Error));
        using var client = app.CreateClient(PowerViewApplication.AdminKey);

        var detail = await client.GetJsonAsync("/api/campaigns/acme/site1");

        Assert.Equal("2026-01-05T12:00:00Z", detail.GetProperty("lastRunAt").GetString());
        Assert.Equal("success", detail.GetProperty("lastStatus").GetString());
        Assert.Equal("T302_new.tsv", detail.GetProperty("devices")[0].GetProperty("lastFile").GetString());
        Assert.Equal("2026-01-05T10:00:00Z", detail.GetProperty("lastErrorAt").GetString());
    }

    [Fact]
    public async Task SecondsSinceLastSuccessFollowTheClockAndAreNullWithoutSuccess()
    {
        using var folder = new TempFolder();
        var clock = new FakeTimeProvider(T0.AddHours(30));
        await using var app = await store.NewAppAsync(folder);
        await using var timed = app.WithWebHostBuilder(b => b.ConfigureTestServices(s => s.AddSingleton<TimeProvider>(clock)));
        var runs = timed.Services.GetRequiredService<IRunStore>();
        await runs.RecordAsync(Ingest(T0, campaign: "fresh"), TestContext.Current.CancellationToken);
        await runs.RecordAsync(Ingest(T0, campaign: "broken", status: RunStatus.Error), TestContext.Current.CancellationToken);
        using var client = timed.CreateClient();
        client.DefaultRequestHeaders.Authorization = new("Bearer", PowerViewApplication.AdminKey);

        var before = await client.GetJsonAsync("/api/campaigns");
        clock.Advance(TimeSpan.FromHours(20));
        var after = await client.GetJsonAsync("/api/campaigns/acme/fresh");

        Assert.Equal(JsonValueKind.Null, before[0].GetProperty("secondsSinceLastSuccess").ValueKind);
        Assert.Equal(30 * 3600, before[1].GetProperty("secondsSinceLastSuccess").GetInt64());
        Assert.Equal(50 * 3600, after.GetProperty("secondsSinceLastSuccess").GetInt64());
    }

    [Fact]
    public async Task ACampaignKnownOnlyFromProvisioningIsListedWithoutRuns()
    {
        using var folder = new TempFolder();
        await using var app = await store.NewAppAsync(folder);
        await app.RecordAsync(Provision(T0, "acme", "new-site"));
        using var client = app.CreateClient(PowerViewApplication.AdminKey);

        var detail = await client.GetJsonAsync("/api/campaigns/acme/new-site");

        Assert.Equal(0, detail.GetProperty("runs").GetInt64());
        Assert.Equal(JsonValueKind.Null, detail.GetProperty("lastRunAt").ValueKind);
        Assert.Empty(detail.GetProperty("devices").EnumerateArray());
    }

    [Theory]
    [InlineData("/api/campaigns/acme/nope")]
    [InlineData("/api/campaigns/nobody/site1")]
    public async Task AnUnknownCampaignIsA404Problem(string url)
    {
        using var folder = new TempFolder();
        await using var app = await store.NewAppAsync(folder);
        await app.RecordAsync(Ingest(T0));
        using var client = app.CreateClient(PowerViewApplication.AdminKey);

        using var response = await client.GetAsync(url, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task CampaignsCanBeFilteredByCompanyAndCampaignLists()
    {
        using var folder = new TempFolder();
        await using var app = await store.NewAppAsync(folder);
        await app.RecordAsync(Ingest(T0, "acme", "a"), Ingest(T0, "acme", "b"), Ingest(T0, "beta", "a"), Ingest(T0, "gamma", "c"));
        using var client = app.CreateClient(PowerViewApplication.AdminKey);

        var rows = await client.GetJsonAsync("/api/campaigns?company=acme,beta&campaign=a");

        Assert.Equal(["acme/a", "beta/a"], rows.EnumerateArray().Select(r => $"{r.GetProperty("company").GetString()}/{r.GetProperty("campaign").GetString()}"));
    }
}

public sealed class CampaignsEndpointTestsOnSqlite() : CampaignsEndpointTests(RunStoreKind.Sqlite);

public sealed class CampaignsEndpointTestsOnPostgreSql(SharedPostgreSql pg) : CampaignsEndpointTests(RunStoreKind.PostgreSql(pg));
