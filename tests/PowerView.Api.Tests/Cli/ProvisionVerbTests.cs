using System.Text.Json;
using PowerView.Api.Tests.Infrastructure;
using PowerView.Api.Tests.Infrastructure.Doubles;
using PowerView.Api.Tests.Provisioning;

namespace PowerView.Api.Tests.Cli;

/// <summary>The real executable, as an operator runs it: `PowerView.Api provision acme site-a`, `provision --all`.</summary>
public sealed class ProvisionVerbTests
{
    private static (string, string?)[] Environment(GrafanaApiDouble grafana, InfluxApiDouble influx, string noTzdata) =>
    [
        ("Grafana__Url", grafana.Url.ToString()),
        ("Grafana__AdminUser", GrafanaApiDouble.AdminLogin),
        ("Grafana__AdminPassword", GrafanaApiDouble.AdminPassword),
        ("Grafana__ApiUrl", ProvisioningHost.ApiUrl),
        ("Influx__Url", influx.Url.ToString()),
        ("Influx__Token", InfluxApiDouble.AllAccessToken),
        ("Influx__Org", InfluxApiDouble.OrgName),
        ("Ingestion__TimeZones__globex__Default", "America/New_York"),
        // .NET reads the host's zone files from TZDIR: an empty folder is a container image without tzdata.
        ("TZDIR", noTzdata),
    ];

    [Fact]
    public async Task ProvisionACompanyThenEveryCompanyOnDiskOneJsonLineEachExitZero()
    {
        using var folder = new TempFolder();
        await using var grafana = await GrafanaApiDouble.StartAsync();
        await using var influx = await InfluxApiDouble.StartAsync();
        var environment = Environment(grafana, influx, Directory.CreateDirectory(Path.Combine(folder.Root, "no-tzdata")).FullName);
        Directory.CreateDirectory(Path.Combine(folder.DataRoot, "acme", "site-a"));
        Directory.CreateDirectory(Path.Combine(folder.DataRoot, "globex", "x"));
        Directory.CreateDirectory(Path.Combine(folder.DataRoot, ".hidden"));

        var (exit, stdout, stderr) = await PowerViewProcess.RunAsync(folder, ["provision", "acme", "site-a"], environment);
        var (allExit, allOut, allErr) = await PowerViewProcess.RunAsync(folder, ["provision", "--all"], environment);

        Assert.True(exit == 0, stderr + stdout);
        var line = JsonDocument.Parse(stdout.Trim()).RootElement;
        Assert.Equal(("acme", "site-a", "success"), (line.GetProperty("company").GetString(), line.GetProperty("campaign").GetString(), line.GetProperty("status").GetString()));
        Assert.Contains("organization:acme", line.GetProperty("created").EnumerateArray().Select(c => c.GetString()));
        Assert.Equal(grafana.OrganizationId("acme"), line.GetProperty("organizationId").GetInt64());
        Assert.Equal((string?)Assert.Single(influx.Authorizations, a => (string?)a["description"] == "powerview_token_for_bucket_acme")["id"],
            line.GetProperty("tokenId").GetString());
        Assert.True(allExit == 0, allErr + allOut);
        var lines = allOut.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement).ToList();
        Assert.Equal(["acme", "globex"], lines.Select(l => l.GetProperty("company").GetString()));
        Assert.All(lines, l => Assert.Equal("success", l.GetProperty("status").GetString()));
        Assert.False(lines[0].GetProperty("changed").GetBoolean());
        Assert.Contains("organization:globex", lines[1].GetProperty("created").EnumerateArray().Select(c => c.GetString()));
        // globex's days and weeks are New York's, read from the embedded zone rules on a host without tzdata.
        var globexDaily = influx.Tasks.Single(t => (string?)t["name"] == "downsample_globex_1d");
        Assert.Contains("America/New_York", (string?)globexDaily["flux"], StringComparison.Ordinal);
        // Each is a provision run of the history (trigger cli), with its report.
        var reports = Directory.EnumerateFiles(Path.Combine(folder.StateDir, "reports"), "*.json", SearchOption.AllDirectories)
            .Select(f => JsonDocument.Parse(File.ReadAllText(f)).RootElement).ToList();
        Assert.Equal(3, reports.Count(r => r.GetProperty("kind").GetString() == "provision" && r.GetProperty("trigger").GetString() == "cli"));
        Assert.Equal(lines.Select(l => l.GetProperty("runId").GetString()).Append(line.GetProperty("runId").GetString()).Order(),
            reports.Select(r => r.GetProperty("id").GetString()).Order());
    }

    [Fact]
    public async Task WithoutGrafanaTheRunIsSkippedWithTheReasonAndExitsOneAndUsageErrorsExitTwo()
    {
        using var folder = new TempFolder();

        var (exit, stdout, _) = await PowerViewProcess.RunAsync(folder, ["provision", "acme"]);
        var (neither, _, neitherErr) = await PowerViewProcess.RunAsync(folder, ["provision"]);
        var (both, _, bothErr) = await PowerViewProcess.RunAsync(folder, ["provision", "acme", "--all"]);

        Assert.Equal(1, exit);
        var line = JsonDocument.Parse(stdout.Trim()).RootElement;
        Assert.Equal(("skipped", "Grafana is not configured (Grafana:Url is empty)"), (line.GetProperty("status").GetString(), line.GetProperty("message").GetString()));
        Assert.Equal(2, neither);
        Assert.Contains("--all", neitherErr, StringComparison.Ordinal);
        Assert.Equal(2, both);
        Assert.Contains("not both", bothErr, StringComparison.Ordinal);
    }
}
