using Microsoft.Extensions.DependencyInjection;
using PowerView.Api.Ingestion;
using PowerView.Api.Runs;
using PowerView.Api.Tests.Infrastructure;

namespace PowerView.Api.Tests.Runs;

public abstract class RestartDurabilityTests(RunStoreKind store)
{
    [Fact]
    public async Task RunsErrorsAndCampaignsOfRealUploadsAreStillThereAfterARestart()
    {
        using var folder = new TempFolder();
        var good1 = folder.PlaceSample("0_camp_base-parsed/T302_251026_031500.tsv", device: "02001283");
        var good2 = folder.PlaceSample("company1/T302_251012_031720.tsv", company: "company1", campaign: "c1", device: "02001171");
        var empty = folder.PlaceSample("0_camp_base-error/T302_260109_120045.tsv", device: "02001283");
        var ct = TestContext.Current.CancellationToken;

        string before;
        string campaignsBefore;
        string reportBefore;
        string errorId;
        // One store for both lives of the service (for PostgreSQL, one database).
        var settings = await store.NewStoreAsync();
        foreach (var (key, value) in RunsApi.NoSweep)
        {
            settings[key] = value;
        }

        await using (var first = new PowerViewApplication(folder, settings))
        {
            var pipeline = first.Services.GetRequiredService<IngestionPipeline>();
            foreach (var path in new[] { good1, good2, empty })
            {
                Assert.Equal(IngestOutcomeKind.Completed, (await pipeline.IngestAsync(path, RunTrigger.Hook, ct)).Kind);
            }

            using var client = first.CreateClient(PowerViewApplication.AdminKey);
            before = (await client.GetJsonAsync("/api/runs")).ToString();
            campaignsBefore = (await client.GetJsonAsync("/api/campaigns/acme/site1")).ToString();
            errorId = Assert.Single(await client.GetRunsAsync("/api/errors")).Id;
            reportBefore = (await client.GetJsonAsync("/api/runs/" + errorId)).ToString();
        }

        await using var second = new PowerViewApplication(folder, settings);
        using var again = second.CreateClient(PowerViewApplication.AdminKey);
        var runs = await again.GetRunsAsync("/api/runs");
        var campaign = await again.GetJsonAsync("/api/campaigns/acme/site1");

        Assert.Equal(before, (await again.GetJsonAsync("/api/runs")).ToString());
        Assert.Equal(reportBefore, (await again.GetJsonAsync("/api/runs/" + errorId)).ToString());
        Assert.Equal(3, runs.Count);
        Assert.Equal(2, runs.Count(r => r.Status == RunStatus.Success));
        var error = Assert.Single(await again.GetRunsAsync("/api/errors"));
        Assert.Equal(("T302_260109_120045.tsv", "acme/site1/02001283/error/T302_260109_120045.tsv"), (error.FileName, error.MovedTo));
        Assert.False(string.IsNullOrWhiteSpace(error.Error));
        Assert.Equal("T302_251026_031500.tsv", campaign.GetProperty("lastSuccessFile").GetString());
        Assert.Equal(error.Error, campaign.GetProperty("lastError").GetString());
        // Everything but the clock-dependent field is the same as before the restart.
        Assert.Equal(WithoutAge(campaignsBefore), WithoutAge(campaign.ToString()));
    }

    [Fact]
    public async Task TheFullReportOfARealRunHasItsChannels()
    {
        using var folder = new TempFolder();
        var path = folder.PlaceSample("company1/T302_251012_031720.tsv", company: "company1", campaign: "c1", device: "02001171");
        await using var app = await store.NewAppAsync(folder, RunsApi.NoSweep);
        var outcome = await app.Services.GetRequiredService<IngestionPipeline>().IngestAsync(path, RunTrigger.Hook, TestContext.Current.CancellationToken);
        using var client = app.CreateClient(PowerViewApplication.Company1Key);

        var report = await client.GetJsonAsync("/api/runs/" + outcome.Run!.Id);

        Assert.Equal("success", report.GetProperty("status").GetString());
        Assert.Equal(outcome.Run.Counters.ChannelCount, report.GetProperty("channels").GetArrayLength());
        Assert.True(report.GetProperty("channels").GetArrayLength() > 0);
        Assert.Equal(outcome.Run.Counters.PointsWritten, report.GetProperty("pointsWritten").GetInt64());
        // A plain V002 export: French time (03/08/25 03:20 is summer time, UTC+2), the rules' edition named.
        Assert.Equal("Europe/Paris", report.GetProperty("timeZone").GetString());
        Assert.Equal("Ingestion:TimeZone", report.GetProperty("timeZoneSource").GetString());
        Assert.Matches(@"^tzdb 20\d\d[a-z]$", report.GetProperty("timeZoneRules").GetString());
        Assert.Equal("2025-08-03T01:20:00Z", report.GetProperty("timeStart").GetString());
        Assert.Equal(0, report.GetProperty("clockNotSetRows").GetInt64());
    }

    private static string WithoutAge(string campaignJson)
    {
        var node = System.Text.Json.Nodes.JsonNode.Parse(campaignJson)!.AsObject();
        node.Remove("secondsSinceLastSuccess");
        return node.ToJsonString();
    }
}

public sealed class RestartDurabilityTestsOnSqlite() : RestartDurabilityTests(RunStoreKind.Sqlite);

public sealed class RestartDurabilityTestsOnPostgreSql(SharedPostgreSql pg) : RestartDurabilityTests(RunStoreKind.PostgreSql(pg));
