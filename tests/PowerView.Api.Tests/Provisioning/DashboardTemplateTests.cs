using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using PowerView.Api.Provisioning;

namespace PowerView.Api.Tests.Provisioning;

/// <summary>Every template, rendered for a plain and an awkward company name: its variables, datasources and queries.</summary>
public sealed partial class DashboardTemplateTests
{
    /// <summary>What a folder (and so a bucket) may be called and Flux must escape: a quote mark, a backslash, non-ASCII.</summary>
    public const string AwkwardCompany = @"l'usine nord \ back (été) #2";

    private static readonly HashSet<string> GrafanaBuiltIns = ["__timeFrom", "__timeTo", "__from", "__to", "__interval", "__interval_ms", "__field", "__range", "__dashboard", "__org", "__user"];

    private static readonly HashSet<string> CorePanels = ["timeseries", "bargauge", "table", "stat", "gauge", "text", "row", "piechart"];

    public static TheoryData<string, string> Templates() => new()
    {
        { CompanyDashboards.OverviewTemplate, "acme" },
        { CompanyDashboards.UploadsTemplate, "acme" },
        { CompanyDashboards.OverviewTemplate, AwkwardCompany },
        { CompanyDashboards.UploadsTemplate, AwkwardCompany },
    };

    [Theory]
    [MemberData(nameof(Templates))]
    public void EveryVariableAQueryUsesIsDefinedByTheDashboardOrGrafana(string template, string company)
    {
        var dashboard = Render(template, company);
        var defined = dashboard["templating"]!["list"]!.AsArray().Select(v => v!["name"]!.GetValue<string>()).ToHashSet();

        var used = Strings(dashboard).SelectMany(s => VariableReference().Matches(s).Select(m => m.Groups[1].Success ? m.Groups[1].Value : m.Groups[2].Value)).ToHashSet();

        Assert.NotEmpty(used);
        Assert.All(used, name => Assert.True(defined.Contains(name) || GrafanaBuiltIns.Contains(name), $"${{{name}}} is used but not defined"));
        // The other way round: every variable defined is used by some panel.
        var panels = dashboard["panels"]!.ToJsonString();
        Assert.All(defined, name => Assert.Contains("${" + name, panels, StringComparison.Ordinal));
    }

    [Theory]
    [MemberData(nameof(Templates))]
    public void EveryDatasourceIsOneTheProvisionerCreatesReferencedByUid(string template, string company)
    {
        var names = CompanyNames.For(company);
        var dashboard = Render(template, company);
        var expected = new Dictionary<string, string>
        {
            [names.InfluxDatasourceUid] = "influxdb",
            [names.ApiDatasourceUid] = "yesoreyeram-infinity-datasource",
            ["-- Grafana --"] = "grafana",
        };

        var references = Objects(dashboard).Where(o => o.ContainsKey("datasource")).Select(o => o["datasource"]).ToList();

        Assert.NotEmpty(references);
        Assert.All(references, r =>
        {
            var reference = Assert.IsType<JsonObject>(r);
            var uid = reference["uid"]!.GetValue<string>();
            Assert.True(expected.TryGetValue(uid, out var type), $"datasource uid {uid} is not one we create");
            Assert.Equal(type, reference["type"]!.GetValue<string>());
        });
    }

    [Theory]
    [MemberData(nameof(Templates))]
    public void NothingIsHardCodedAndOnlyCorePanelsAreUsed(string template, string company)
    {
        var dashboard = Render(template, company);

        Assert.Null(dashboard["id"]);
        Assert.True(dashboard["uid"]!.GetValue<string>().Length <= 40);
        var panels = dashboard["panels"]!.AsArray().Select(p => p!.AsObject()).ToList();
        Assert.Equal(panels.Count, panels.Select(p => p["id"]!.GetValue<int>()).Distinct().Count());
        Assert.All(panels, p => Assert.Contains(p["type"]!.GetValue<string>(), CorePanels));
        // No placeholder left, no uid of someone's instance, no numeric datasource id.
        Assert.All(Strings(dashboard), s => Assert.DoesNotMatch(Placeholder(), s));
        Assert.DoesNotContain(Objects(dashboard), o => o.ContainsKey("datasourceId") || o.ContainsKey("folderId"));
        Assert.Contains(company, dashboard["title"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("acme")]
    [InlineData(AwkwardCompany)]
    public void TheOverviewQueriesReadTheBucketSuitedToTheRangeOfTheCompanyAlone(string company)
    {
        var dashboard = Render(CompanyDashboards.OverviewTemplate, company);
        var queries = InfluxQueries(dashboard).ToList();

        Assert.Equal(6, queries.Count(q => q.Panel is not null));
        foreach (var (panel, query) in queries)
        {
            // The company's bucket, escaped as a Flux literal; never v.defaultBucket, whose value Grafana does not escape.
            Assert.Contains("bucket: " + FluxText.Literal(company), query.Replace("raw = ", "bucket: ", StringComparison.Ordinal), StringComparison.Ordinal);
            Assert.DoesNotMatch(GrafanaSubstitutedMacro(), query);
            Assert.All(MacroUse().Matches(query).Select(m => m.Groups[1].Value), m => Assert.Contains(m, new[] { "timeRangeStart", "timeRangeStop", "windowPeriod" }));
            if (panel is null)
            {
                Assert.Contains("schema.tagValues(", query, StringComparison.Ordinal);
                Assert.Contains("start: v.timeRangeStart", query, StringComparison.Ordinal);
                continue;
            }

            Assert.Contains("from(bucket: raw + suffix)", query, StringComparison.Ordinal);
            Assert.Contains("range(start: v.timeRangeStart, stop: v.timeRangeStop)", query, StringComparison.Ordinal);
            Assert.Contains("""span <= int(v: 7d) then "" else if span <= int(v: 90d) then "_1h" else if span <= int(v: 1095d) then "_1d" else "_1w""", query, StringComparison.Ordinal);
            Assert.Contains("r.campaign =~ /^${campaign:regex}$/", query, StringComparison.Ordinal);
        }

        var byPanel = queries.Where(q => q.Panel is not null).ToLookup(q => q.Panel!, q => q.Query);
        Assert.Contains("aggregateWindow(every: v.windowPeriod, fn: mean", byPanel["Active power (W)"].Single(), StringComparison.Ordinal);
        Assert.Contains("integral(unit: 1h)", byPanel["Energy over the range (kWh)"].Single(), StringComparison.Ordinal);
        Assert.Contains("r._value / 1000.0", byPanel["Energy over the range (kWh)"].Single(), StringComparison.Ordinal);
        var voltage = byPanel["Voltage (V): mean, minimum and maximum"].ToList();
        Assert.Equal(3, voltage.Count);
        Assert.Contains(voltage, q => q.Contains("\"electrical_min\"", StringComparison.Ordinal) && q.Contains("fn: min", StringComparison.Ordinal));
        Assert.Contains(voltage, q => q.Contains("\"electrical_max\"", StringComparison.Ordinal) && q.Contains("fn: max", StringComparison.Ordinal));
        var extremes = byPanel["Voltage extremes over the range (V)"].Single();
        Assert.Contains("|> min()", extremes, StringComparison.Ordinal);
        Assert.Contains("|> max()", extremes, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("acme")]
    [InlineData(AwkwardCompany)]
    public void TheUploadsDashboardAsksTheMonitoringApiForTheCompanysOwnRunsErrorsAndCampaigns(string company)
    {
        var dashboard = Render(CompanyDashboards.UploadsTemplate, company);
        var targets = Objects(dashboard).Where(o => o["url"] is JsonValue && o["url_options"] is JsonObject).ToList();

        Assert.Equal(["/api/campaigns", "/api/campaigns", "/api/errors", "/api/runs"], targets.Select(t => t["url"]!.GetValue<string>()).Order(StringComparer.Ordinal));
        Assert.All(targets, t =>
        {
            var parameters = t["url_options"]!["params"]!.AsArray().ToDictionary(p => p!["key"]!.GetValue<string>(), p => p!["value"]!.GetValue<string>());
            Assert.Equal(company, parameters["company"]);
        });
        var errors = targets.Single(t => t["url"]!.GetValue<string>() == "/api/errors");
        Assert.Contains("error", errors["columns"]!.AsArray().Select(c => c!["selector"]!.GetValue<string>()));
    }

    [Fact]
    public void TheUploadsDashboardIsLeftOutWithoutTheMonitoringDatasource()
    {
        var names = CompanyNames.For("acme");

        Assert.Equal([names.OverviewDashboardUid], CompanyDashboards.For(names, withUploads: false).Select(d => d["uid"]!.GetValue<string>()));
        Assert.Equal([names.OverviewDashboardUid, names.UploadsDashboardUid], CompanyDashboards.For(names, withUploads: true).Select(d => d["uid"]!.GetValue<string>()));
    }

    internal static JsonObject Render(string template, string company) =>
        CompanyDashboards.Render(template, CompanyNames.For(company), template == CompanyDashboards.OverviewTemplate
            ? CompanyNames.For(company).OverviewDashboardUid
            : CompanyNames.For(company).UploadsDashboardUid);

    /// <summary>Each InfluxDB query with the panel title it belongs to (null for a variable's query).</summary>
    internal static IEnumerable<(string? Panel, string Query)> InfluxQueries(JsonObject dashboard)
    {
        foreach (var variable in dashboard["templating"]!["list"]!.AsArray())
        {
            if (variable!["datasource"]?["type"]?.GetValue<string>() == "influxdb")
            {
                yield return (null, variable["query"]!.GetValue<string>());
            }
        }

        foreach (var panel in dashboard["panels"]!.AsArray())
        {
            foreach (var target in panel!["targets"]?.AsArray() ?? [])
            {
                if (target!["datasource"]?["type"]?.GetValue<string>() == "influxdb")
                {
                    yield return (panel["title"]!.GetValue<string>(), target["query"]!.GetValue<string>());
                }
            }
        }
    }

    private static IEnumerable<string> Strings(JsonNode? node) => node switch
    {
        JsonObject o => o.SelectMany(p => Strings(p.Value)),
        JsonArray a => a.SelectMany(Strings),
        JsonValue v when v.TryGetValue<string>(out var s) => [s],
        _ => [],
    };

    private static IEnumerable<JsonObject> Objects(JsonNode? node) => node switch
    {
        JsonObject o => [o, .. o.SelectMany(p => Objects(p.Value))],
        JsonArray a => a.SelectMany(Objects),
        _ => [],
    };

    // ${name}, ${name:format}, ${name.path} and $name; a '$' before '/' or '"' (a Flux regex end) is no variable.
    [GeneratedRegex(@"\$\{(\w+)[^}]*\}|\$(\w+)")]
    private static partial Regex VariableReference();

    [GeneratedRegex("__(INFLUX_DS|API_DS|OVERVIEW_UID|UPLOADS_UID|BUCKET|COMPANY)__")]
    private static partial Regex Placeholder();

    // Grafana rewrites any "<word>.bucket", ".defaultBucket" and ".organization" in a Flux query (macros.go).
    [GeneratedRegex(@"[a-zA-Z]+\.(bucket|defaultBucket|organization)\b")]
    private static partial Regex GrafanaSubstitutedMacro();

    [GeneratedRegex(@"\bv\.([a-zA-Z]+)")]
    private static partial Regex MacroUse();
}
