using PowerView.Api.Provisioning;

namespace PowerView.Api.Tests.Provisioning;

/// <summary>
/// The downsampling tasks and the dashboard queries: their structure here, and their syntax and types with the Flux
/// language server (what running them would add, the results, could not be checked: see docs/provisioning.md).
/// </summary>
public sealed class FluxScriptTests
{
    // Level, schedule, offset and the look-back start the issue asks for, written out independently of the code.
    public static TheoryData<string, string, string, string> Levels() => new()
    {
        { "1h", "1h", "5m", "date.truncate(t: -3d, unit: 1h, location: zone)" },
        { "1d", "1d", "1h", "date.truncate(t: -14d, unit: 1d, location: zone)" },
        { "1w", "1w", "2h", "date.truncate(t: date.add(d: 3d, to: -5w, location: zone), unit: 1w, location: zone)" },
    };

    [Theory]
    [MemberData(nameof(Levels))]
    public void EachTaskReadsTheRawBucketAndWritesMeanMinAndMaxOfElectricalToItsLevel(string level, string every, string offset, string lookBack)
    {
        var script = DownsamplingTasks.Script("acme", DownsamplingTasks.Levels.Single(l => l.Name == level), "Europe/Paris");

        Assert.Contains($"option task = {{name: \"downsample_acme_{level}\", every: {every}, offset: {offset}}}", script, StringComparison.Ordinal);
        Assert.Contains("from(bucket: \"acme\")", script, StringComparison.Ordinal);
        Assert.Contains("|> range(start: start)", script, StringComparison.Ordinal);
        Assert.Contains(lookBack, script, StringComparison.Ordinal);
        Assert.Contains("filter(fn: (r) => r._measurement == \"electrical\")", script, StringComparison.Ordinal);
        Assert.Equal(3, Count(script, $"|> to(bucket: \"acme_{level}\")"));
        Assert.Equal(3, Count(script, $"aggregateWindow(every: {every}, "));
        foreach (var fn in new[] { "mean", "min", "max" })
        {
            Assert.Contains($"fn: {fn}, location: zone, createEmpty: false", script, StringComparison.Ordinal);
        }

        Assert.Contains("set(key: \"_measurement\", value: \"electrical_min\")", script, StringComparison.Ordinal);
        Assert.Contains("set(key: \"_measurement\", value: \"electrical_max\")", script, StringComparison.Ordinal);
        Assert.DoesNotContain("acme\"_", script, StringComparison.Ordinal);
    }

    [Fact]
    public void DaysAndWeeksFollowTheCompanysZoneAndWeeksStartOnMonday()
    {
        var levels = DownsamplingTasks.Levels.ToDictionary(l => l.Name);

        var hourly = DownsamplingTasks.Script("acme", levels["1h"], "Asia/Kolkata");
        var daily = DownsamplingTasks.Script("acme", levels["1d"], "Asia/Kolkata");
        var weekly = DownsamplingTasks.Script("acme", levels["1w"], "Asia/Kolkata");

        Assert.Contains("zone = timezone.utc", hourly, StringComparison.Ordinal);
        Assert.Contains("zone = timezone.location(name: \"Asia/Kolkata\")", daily, StringComparison.Ordinal);
        Assert.Contains("zone = timezone.location(name: \"Asia/Kolkata\")", weekly, StringComparison.Ordinal);
        // Flux's weekly windows start on Thursday (1970-01-01); three days earlier is Monday.
        Assert.Equal(3, Count(weekly, "offset: -3d"));
        Assert.Contains("date.sub(d: 3d, from:", weekly, StringComparison.Ordinal);
        Assert.Equal(0, Count(daily, "offset: -3d"));
    }

    [Fact]
    public void TheCompanyIsEscapedInEveryLiteralOfTheTask()
    {
        var script = DownsamplingTasks.Script(@"l'usine \ nord", DownsamplingTasks.Levels[1], "Europe/Paris");

        Assert.Contains(@"from(bucket: ""l'usine \\ nord"")", script, StringComparison.Ordinal);
        Assert.Contains(@"to(bucket: ""l'usine \\ nord_1d"")", script, StringComparison.Ordinal);
        Assert.Contains(@"name: ""downsample_l'usine \\ nord_1d""", script, StringComparison.Ordinal);
    }

    [Fact]
    public async Task EveryTaskScriptParsesAndTypeChecks()
    {
        var scripts = new[] { "acme", DashboardTemplateTests.AwkwardCompany }
            .SelectMany(company => DownsamplingTasks.Levels.Select(level =>
                ($"{company} {level.Name}", DownsamplingTasks.Script(company, level, "Europe/Paris"))));

        var results = await FluxChecker.CheckAsync(scripts);

        Assert.Equal(6, results.Count);
        Assert.All(results, r => Assert.True(r.Valid, $"{r.Name}: {string.Join("; ", r.Errors)}"));
    }

    [Fact]
    public async Task EveryDashboardQueryParsesAndTypeChecksAsGrafanaSendsIt()
    {
        // Two campaigns chosen (Grafana's regex format), every logger, one channel.
        var variables = new Dictionary<string, string> { ["campaign"] = @"(site\-a|site b)", ["device"] = ".*", ["channel"] = "M02000800_U1" };
        var scripts = new[] { "acme", DashboardTemplateTests.AwkwardCompany }
            .SelectMany(company => DashboardTemplateTests.InfluxQueries(DashboardTemplateTests.Render(CompanyDashboards.OverviewTemplate, company))
                .Select((q, i) => ($"{company} #{i} {q.Panel ?? "variable"}", FluxChecker.AsGrafanaSendsIt(q.Query, variables))))
            .ToList();

        var results = await FluxChecker.CheckAsync(scripts);

        Assert.Equal(18, results.Count);
        Assert.All(results, r => Assert.True(r.Valid, $"{r.Name}: {string.Join("; ", r.Errors)}"));
    }

    [Fact]
    public async Task TheCheckerRejectsBrokenFlux()
    {
        var results = await FluxChecker.CheckAsync(
        [
            ("syntax", "from(bucket: \"a\" |> range(start: -1h)"),
            ("unknown function", "from(bucket: \"a\") |> range(start: -1h) |> averageWindow(every: 1h)"),
            ("unknown argument", "from(bucket: \"a\") |> range(start: -1h) |> aggregateWindow(every: 1h, fn: mean, zone: \"x\")"),
            ("unescaped quote", "from(bucket: \"a\"b\") |> range(start: -1h)"),
            ("fine", "from(bucket: \"a\") |> range(start: -1h)"),
        ]);

        Assert.Equal([false, false, false, false, true], results.Select(r => r.Valid));
        Assert.All(results.Take(4), r => Assert.NotEmpty(r.Errors));
    }

    private static int Count(string text, string part)
    {
        var count = 0;
        for (var i = text.IndexOf(part, StringComparison.Ordinal); i >= 0; i = text.IndexOf(part, i + part.Length, StringComparison.Ordinal))
        {
            count++;
        }

        return count;
    }
}
