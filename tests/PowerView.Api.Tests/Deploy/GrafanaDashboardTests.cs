using System.Text.Json;
using PowerView.Api.Runs;
using PowerView.Api.Tests.Infrastructure;
using static PowerView.Api.Tests.Infrastructure.RunsApi;

namespace PowerView.Api.Tests.Deploy;

/// <summary>
/// The Grafana dashboard asks the API for paths, parameters and fields: each of its Infinity queries is
/// sent as Grafana would (variables replaced) and must answer 200 with every column the panel reads.
/// </summary>
public sealed class DashboardTests
{
    private static readonly string DashboardFile = Path.Combine(RepositoryRoot(), "deploy", "grafana", "dashboards", "powerview-monitoring.json");

    [Fact]
    public void TheDashboardIsClassicJsonForTheInfinityDatasource()
    {
        var dashboard = JsonDocument.Parse(File.ReadAllText(DashboardFile)).RootElement;

        Assert.Equal("powerview-monitoring", dashboard.GetProperty("uid").GetString());
        Assert.InRange(dashboard.GetProperty("schemaVersion").GetInt32(), 36, 42);
        var panels = dashboard.GetProperty("panels").EnumerateArray().ToList();
        Assert.Equal(panels.Count, panels.Select(p => p.GetProperty("id").GetInt32()).Distinct().Count());
        var users = panels.SelectMany(p => p.GetProperty("targets").EnumerateArray())
            .Concat(dashboard.GetProperty("templating").GetProperty("list").EnumerateArray().Where(v => v.GetProperty("type").GetString() == "query"));
        Assert.All(users, q => Assert.Equal("yesoreyeram-infinity-datasource", q.GetProperty("datasource").GetProperty("type").GetString()));
        var since = panels.Single(p => p.GetProperty("title").GetString()!.StartsWith("Time since last success", StringComparison.Ordinal));
        var steps = since.GetProperty("fieldConfig").GetProperty("overrides").EnumerateArray()
            .SelectMany(o => o.GetProperty("properties").EnumerateArray())
            .Single(p => p.GetProperty("id").GetString() == "thresholds").GetProperty("value").GetProperty("steps");
        Assert.Equal([93600, 172800], steps.EnumerateArray().Skip(1).Select(s => s.GetProperty("value").GetInt32()));
    }

    [Fact]
    public async Task EveryQueryOfTheDashboardAnswersWithTheColumnsItReads()
    {
        using var folder = new TempFolder();
        await using var app = new PowerViewApplication(folder);
        var now = DateTimeOffset.UtcNow;
        await app.RecordAsync(Ingest(now.AddHours(-3)), Ingest(now.AddHours(-2), status: RunStatus.Error), Ingest(now.AddHours(-1), status: RunStatus.Deferred));
        using var client = app.CreateClient(PowerViewApplication.AdminKey);
        var dashboard = JsonDocument.Parse(await File.ReadAllTextAsync(DashboardFile, TestContext.Current.CancellationToken)).RootElement;

        var queries = Queries(dashboard).ToList();
        Assert.True(queries.Count >= 7, "five panels and two variables");
        foreach (var query in queries)
        {
            var url = query.GetProperty("url").GetString() + "?" + string.Join("&", query.GetProperty("url_options").GetProperty("params").EnumerateArray()
                .Select(p => $"{p.GetProperty("key").GetString()}={Uri.EscapeDataString(Interpolate(p.GetProperty("value").GetString()!, now))}"));
            var rows = (await client.GetJsonAsync(url)).EnumerateArray().ToList();

            Assert.NotEmpty(rows);
            foreach (var column in query.GetProperty("columns").EnumerateArray())
            {
                var selector = column.GetProperty("selector").GetString()!;
                Assert.True(rows[0].TryGetProperty(selector, out _), $"{url} has no '{selector}' for column '{column.GetProperty("text").GetString()}'");
            }
        }
    }

    /// <summary>The panel targets and the variables' Infinity queries.</summary>
    private static IEnumerable<JsonElement> Queries(JsonElement dashboard) =>
        dashboard.GetProperty("panels").EnumerateArray().SelectMany(p => p.GetProperty("targets").EnumerateArray())
            .Concat(dashboard.GetProperty("templating").GetProperty("list").EnumerateArray()
                .Where(v => v.GetProperty("type").GetString() == "query")
                .Select(v => v.GetProperty("query").GetProperty("infinityQuery")));

    /// <summary>What Grafana sends: "All" is the empty allValue; the time range in epoch milliseconds.</summary>
    private static string Interpolate(string value, DateTimeOffset now) => value
        .Replace("${company:csv}", "", StringComparison.Ordinal)
        .Replace("${campaign:csv}", "", StringComparison.Ordinal)
        .Replace("${__timeFrom}", now.AddDays(-7).ToUnixTimeMilliseconds().ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal)
        .Replace("${__timeTo}", now.ToUnixTimeMilliseconds().ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal);

    private static string RepositoryRoot()
    {
        var folder = new DirectoryInfo(AppContext.BaseDirectory);
        while (folder is not null && !File.Exists(Path.Combine(folder.FullName, "PowerView.Api.sln")))
        {
            folder = folder.Parent;
        }

        return folder?.FullName ?? throw new InvalidOperationException("PowerView.Api.sln not found above " + AppContext.BaseDirectory);
    }
}
