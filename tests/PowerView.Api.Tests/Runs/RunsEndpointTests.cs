using System.Net;
using System.Text.Json;
using PowerView.Api.Runs;
using PowerView.Api.Tests.Infrastructure;
using static PowerView.Api.Tests.Infrastructure.RunsApi;

namespace PowerView.Api.Tests.Runs;

public abstract class RunsEndpointTests(RunStoreKind store)
{
    private static readonly string[] RunKeys =
    [
        "id", "kind", "trigger", "status", "company", "campaign", "deviceMasterSn", "fileName", "startedAt", "finishedAt",
        "durationMs", "attempt", "format", "linesTotal", "linesIgnored", "invalidTimestamps", "clockNotSetRows", "invalidValues", "truncatedLines",
        "pointsWritten", "timeStart", "timeEnd", "error", "movedTo", "step", "message", "rowsIngested", "channelCount", "writeRetries",
    ];

    [Fact]
    public async Task RunsAreAFlatArrayNewestFirstWithEveryKeyAndUtcTimes()
    {
        using var folder = new TempFolder();
        await using var app = await store.NewAppAsync(folder);
        await app.RecordAsync(Ingest(T0), Ingest(T0.AddMinutes(2), status: RunStatus.Error), Ingest(T0.AddMinutes(1)));
        using var client = app.CreateClient(PowerViewApplication.AdminKey);

        var json = await client.GetJsonAsync("/api/runs");

        Assert.Equal(JsonValueKind.Array, json.ValueKind);
        var rows = json.EnumerateArray().ToList();
        Assert.Equal(3, rows.Count);
        Assert.Equal(["2026-01-05T10:02:00Z", "2026-01-05T10:01:00Z", "2026-01-05T10:00:00Z"], rows.Select(r => r.GetProperty("startedAt").GetString()));
        foreach (var row in rows)
        {
            // Every key present, nulls written (Grafana tables need the same columns in every row).
            Assert.Equal(RunKeys.Order(), row.EnumerateObject().Select(p => p.Name).Order());
        }

        Assert.Equal(JsonValueKind.Null, rows[1].GetProperty("error").ValueKind);
        Assert.Equal("the file has no format lines", rows[0].GetProperty("error").GetString());
    }

    [Fact]
    public async Task ListsReturnTheNewest100UnlessLimitSaysOtherwise()
    {
        using var folder = new TempFolder();
        await using var app = await store.NewAppAsync(folder);
        await app.RecordAsync(Enumerable.Range(0, 130).Select(i => Ingest(T0.AddMinutes(i))).ToArray());
        using var client = app.CreateClient(PowerViewApplication.AdminKey);

        var all = await client.GetRunsAsync("/api/runs");
        var five = await client.GetRunsAsync("/api/runs?limit=5");

        Assert.Equal(100, all.Count);
        Assert.Equal(T0.AddMinutes(129), all[0].StartedAt);
        Assert.Equal(T0.AddMinutes(30), all[^1].StartedAt);
        Assert.Equal(all.Take(5).Ids(), five.Ids());
    }

    [Theory]
    [InlineData("/api/runs?limit=0", "limit")]
    [InlineData("/api/runs?limit=1001", "limit")]
    [InlineData("/api/errors?limit=5000", "limit")]
    [InlineData("/api/runs?status=failed", "status")]
    [InlineData("/api/runs?kind=upload", "kind")]
    [InlineData("/api/runs?from=yesterday", "from")]
    [InlineData("/api/runs?to=2026-13-45", "to")]
    [InlineData("/api/runs?from=2026-01-06T00:00:00Z&to=2026-01-05T00:00:00Z", "from")]
    [InlineData("/api/runs?limit=abc", "limit")]
    [InlineData("/api/runs?limit=99999999999", "limit")]
    [InlineData("/api/runs?from=-9223372036854775808", "from")]
    [InlineData("/api/runs?to=9223372036854775807", "to")]
    [InlineData("/api/runs?from=0001-01-01T00:00:00Z", "from")]
    [InlineData("/api/stats/daily?to=0001-01-01T00:00:01Z", "to")]
    [InlineData("/api/stats/daily?from=9999-12-31T23:59:59Z", "from")]
    [InlineData("/api/errors?to=-1", "to")]
    public async Task InvalidFiltersAreA400ValidationProblemNamingTheParameter(string url, string parameter)
    {
        using var folder = new TempFolder();
        await using var app = await store.NewAppAsync(folder);
        using var client = app.CreateClient(PowerViewApplication.AdminKey);

        using var response = await client.GetAsync(url, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken)).RootElement;
        Assert.True(problem.GetProperty("errors").TryGetProperty(parameter, out _), problem.ToString());
    }

    [Theory]
    [InlineData("company=acme", new[] { 0, 1, 2, 3 })]
    [InlineData("company=beta", new[] { 4, 5 })]
    [InlineData("company=acme,beta", new[] { 0, 1, 2, 3, 4, 5 })]
    [InlineData("company=", new[] { 0, 1, 2, 3, 4, 5, 6 })]
    [InlineData("company=acme&campaign=site2", new[] { 2, 3 })]
    [InlineData("campaign=site1,site2", new[] { 0, 1, 2, 3, 4, 5 })]
    [InlineData("device=02000900", new[] { 1, 3 })]
    [InlineData("device=02000900&campaign=site2", new[] { 3 })]
    [InlineData("file=T302_b.tsv", new[] { 1, 4 })]
    [InlineData("status=error", new[] { 2, 5 })]
    [InlineData("status=error,deferred", new[] { 1, 2, 5 })]
    [InlineData("status=success&company=beta", new[] { 4 })]
    [InlineData("kind=provision", new[] { 6 })]
    [InlineData("kind=ingest&company=nobody", new int[0])]
    public async Task FiltersNarrowTheListAndCommaSeparatedValuesAreOred(string query, int[] expected)
    {
        using var folder = new TempFolder();
        await using var app = await store.NewAppAsync(folder);
        var runs = new[]
        {
            Ingest(T0.AddMinutes(0), "acme", "site1", "02000800", "T302_a.tsv"),
            Ingest(T0.AddMinutes(1), "acme", "site1", "02000900", "T302_b.tsv", RunStatus.Deferred),
            Ingest(T0.AddMinutes(2), "acme", "site2", "02000800", "T302_c.tsv", RunStatus.Error),
            Ingest(T0.AddMinutes(3), "acme", "site2", "02000900", "T302_d.tsv"),
            Ingest(T0.AddMinutes(4), "beta", "site1", "02000800", "T302_b.tsv"),
            Ingest(T0.AddMinutes(5), "beta", "site2", "02000800", "T302_e.tsv", RunStatus.Error),
            Provision(T0.AddMinutes(6), "gamma", null),
        };
        await app.RecordAsync(runs);
        using var client = app.CreateClient(PowerViewApplication.AdminKey);

        var found = await client.GetRunsAsync("/api/runs?" + query);

        Assert.Equal(expected.Reverse().Select(i => runs[i].Id), found.Ids());
    }

    [Theory]
    [InlineData("from=2026-01-05T10:01:00Z&to=2026-01-05T10:03:00Z")]
    [InlineData("from=2026-01-05T11:01:00%2B01:00&to=2026-01-05T10:03:00")]
    [InlineData("from=1767607260000&to=1767607380000")]
    [InlineData("from=1767607260&to=1767607380")]
    public async Task FromAndToAcceptIsoTimesEpochMillisecondsAndEpochSecondsInclusively(string range)
    {
        using var folder = new TempFolder();
        await using var app = await store.NewAppAsync(folder);
        var runs = Enumerable.Range(0, 5).Select(i => Ingest(T0.AddMinutes(i))).ToArray();
        await app.RecordAsync(runs);
        using var client = app.CreateClient(PowerViewApplication.AdminKey);

        var found = await client.GetRunsAsync("/api/runs?" + range);

        Assert.Equal([runs[3].Id, runs[2].Id, runs[1].Id], found.Ids());
    }

    [Fact]
    public async Task ErrorsListOnlyFailedRunsWithTheirReason()
    {
        using var folder = new TempFolder();
        await using var app = await store.NewAppAsync(folder);
        var failed = Ingest(T0.AddMinutes(1), status: RunStatus.Error, error: "line 2: unknown format 'MV_T999'");
        var deferred = Ingest(T0.AddMinutes(2), status: RunStatus.Deferred, error: "InfluxDB unavailable");
        await app.RecordAsync(Ingest(T0), failed, deferred, Ingest(T0.AddMinutes(3)));
        using var client = app.CreateClient(PowerViewApplication.AdminKey);

        var errors = await client.GetRunsAsync("/api/errors");
        var withDeferred = await client.GetRunsAsync("/api/errors?status=error,deferred");

        var only = Assert.Single(errors);
        Assert.Equal(failed.Id, only.Id);
        Assert.Equal("line 2: unknown format 'MV_T999'", only.Error);
        Assert.Equal([deferred.Id, failed.Id], withDeferred.Ids());
    }

    [Fact]
    public async Task ProvisioningRunsAppearWithTheirStepAndMessage()
    {
        using var folder = new TempFolder();
        await using var app = await store.NewAppAsync(folder);
        var provision = Provision(T0.AddMinutes(1));
        await app.RecordAsync(Ingest(T0), provision);
        using var client = app.CreateClient(PowerViewApplication.AdminKey);

        var runs = await client.GetRunsAsync("/api/runs");

        Assert.Equal(provision.Id, runs[0].Id);
        Assert.Equal((RunKind.Provision, "dashboard", "Grafana folder, datasource and dashboard ensured"), (runs[0].Kind, runs[0].Step, runs[0].Message));
        Assert.Equal(RunKind.Ingest, runs[1].Kind);
    }

    [Fact]
    public async Task OneRunIsItsFullReportAndAnUnknownIdIsA404Problem()
    {
        using var folder = new TempFolder();
        await using var app = await store.NewAppAsync(folder);
        var run = Ingest(T0) with { Warnings = ["2 values were not numbers"] };
        await app.RecordAsync(run);
        using var client = app.CreateClient(PowerViewApplication.AdminKey);

        var report = await client.GetJsonAsync("/api/runs/" + run.Id);
        using var missing = await client.GetAsync("/api/runs/0000", TestContext.Current.CancellationToken);

        Assert.Equal(run.Id, report.GetProperty("id").GetString());
        Assert.Equal("2 values were not numbers", report.GetProperty("warnings")[0].GetString());
        Assert.Equal(JsonValueKind.Array, report.GetProperty("channels").ValueKind);
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        Assert.Equal("application/problem+json", missing.Content.Headers.ContentType?.MediaType);
    }
}

public sealed class RunsEndpointTestsOnSqlite() : RunsEndpointTests(RunStoreKind.Sqlite);

public sealed class RunsEndpointTestsOnPostgreSql(SharedPostgreSql pg) : RunsEndpointTests(RunStoreKind.PostgreSql(pg));
