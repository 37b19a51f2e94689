using System.Net;
using PowerView.Api.Runs;
using PowerView.Api.Tests.Infrastructure;
using static PowerView.Api.Tests.Infrastructure.RunsApi;

namespace PowerView.Api.Tests.Runs;

public abstract class StatisticsEndpointTests(RunStoreKind store)
{
    [Fact]
    public async Task DailyTotalsSumPointsRunsAndErrorsPerUtcDayOldestFirst()
    {
        using var folder = new TempFolder();
        await using var app = await store.NewAppAsync(folder);
        var day1 = new DateTimeOffset(2026, 1, 5, 0, 0, 0, TimeSpan.Zero);
        await app.RecordAsync(
            Ingest(day1.AddHours(1), points: 100),
            Ingest(day1.AddHours(23).AddMinutes(59), campaign: "site2", points: 50),
            // 00:30 in Paris on the 6th is still the 5th in UTC.
            Ingest(new DateTimeOffset(2026, 1, 6, 0, 30, 0, TimeSpan.FromHours(1)), status: RunStatus.Error),
            Ingest(day1.AddDays(1).AddHours(3), points: 7),
            Ingest(day1.AddDays(1).AddHours(4), status: RunStatus.Deferred),
            Ingest(day1.AddDays(3), points: 1),
            Provision(day1.AddHours(2)));
        using var client = app.CreateClient(PowerViewApplication.AdminKey);

        var days = (await client.GetJsonAsync("/api/stats/daily?from=2026-01-05T00:00:00Z&to=2026-01-07T00:00:00Z")).EnumerateArray().ToList();
        var site2 = (await client.GetJsonAsync("/api/stats/daily?from=1767571200000&to=1767830400000&campaign=site2")).EnumerateArray().ToList();

        Assert.Equal(["2026-01-05T00:00:00Z", "2026-01-06T00:00:00Z"], days.Select(d => d.GetProperty("day").GetString()));
        Assert.Equal((3, 2, 1, 0, 150), Totals(days[0]));
        Assert.Equal((2, 1, 0, 1, 7), Totals(days[1]));
        Assert.Equal((1, 1, 0, 0, 50), Totals(Assert.Single(site2)));
    }

    [Fact]
    public async Task WithoutARangeTheLast30DaysAreSummed()
    {
        using var folder = new TempFolder();
        await using var app = await store.NewAppAsync(folder);
        var now = DateTimeOffset.UtcNow;
        await app.RecordAsync(Ingest(now.AddDays(-40)), Ingest(now.AddDays(-2)), Ingest(now.AddMinutes(-1)));
        using var client = app.CreateClient(PowerViewApplication.AdminKey);

        var days = (await client.GetJsonAsync("/api/stats/daily")).EnumerateArray().ToList();

        Assert.Equal(2, days.Sum(d => d.GetProperty("runs").GetInt64()));
    }

    [Theory]
    [InlineData("/api/stats/daily?from=soon")]
    [InlineData("/api/stats/daily?from=2026-02-01&to=2026-01-01")]
    [InlineData("/api/stats/daily?from=2000-01-01&to=2026-01-01")]
    public async Task ABadRangeIsA400(string url)
    {
        using var folder = new TempFolder();
        await using var app = await store.NewAppAsync(folder);
        using var client = app.CreateClient(PowerViewApplication.AdminKey);

        using var response = await client.GetAsync(url, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    private static (long Runs, long Successes, long Errors, long Deferred, long Points) Totals(System.Text.Json.JsonElement day) =>
        (day.GetProperty("runs").GetInt64(), day.GetProperty("successes").GetInt64(), day.GetProperty("errors").GetInt64(),
            day.GetProperty("deferred").GetInt64(), day.GetProperty("pointsWritten").GetInt64());
}

public sealed class StatisticsEndpointTestsOnSqlite() : StatisticsEndpointTests(RunStoreKind.Sqlite);

public sealed class StatisticsEndpointTestsOnPostgreSql(SharedPostgreSql pg) : StatisticsEndpointTests(RunStoreKind.PostgreSql(pg));
