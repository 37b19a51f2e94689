using System.Net;
using System.Text.Json;
using Hangfire;
using Hangfire.InMemory;
using Hangfire.States;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using PowerView.Api.Tests.Infrastructure;

using static PowerView.Api.Tests.Infrastructure.RunsApi;

namespace PowerView.Api.Tests.Hosting.Health;

public sealed class HealthTests
{
    [Fact]
    public async Task HealthIsAnonymousJsonWithOneEntryPerDependency()
    {
        using var folder = new TempFolder();
        await using var app = new PowerViewApplication(folder);
        using var client = app.CreateClient(PowerViewApplication.AdminKey);

        using var response = await client.GetAsync("/health", TestContext.Current.CancellationToken);
        var health = await ReadAsync(response);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("Healthy", health.GetProperty("status").GetString());
        var checks = Checks(health);
        Assert.Equal(["disk", "grafana", "jobStorage", "provisioningStore", "runStore", "sink"], checks.Keys.Order());
        Assert.Contains("line-protocol files", checks["sink"].GetProperty("description").GetString(), StringComparison.Ordinal);
        Assert.Contains("not configured", checks["grafana"].GetProperty("description").GetString(), StringComparison.Ordinal);
        Assert.True(checks["disk"].GetProperty("data").GetProperty("dataRootFreeMb").GetInt64() > 0);
    }

    [Fact]
    public async Task AnUnreachableInfluxDbMakesTheService503Unhealthy()
    {
        using var folder = new TempFolder();
        await using var app = new PowerViewApplication(folder, new Dictionary<string, string?>
        {
            // Port 1 on loopback: nothing listens, the connection is refused at once.
            ["Influx:Url"] = "http://127.0.0.1:1",
            ["Influx:Token"] = "token",
            ["Influx:Org"] = "powerview",
        });
        using var client = app.CreateClient(PowerViewApplication.AdminKey);

        using var response = await client.GetAsync("/health", TestContext.Current.CancellationToken);
        var checks = Checks(await ReadAsync(response));

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal("Unhealthy", checks["sink"].GetProperty("status").GetString());
        Assert.Contains("InfluxDB http://127.0.0.1:1", checks["sink"].GetProperty("description").GetString(), StringComparison.Ordinal);
        Assert.DoesNotContain("token", checks["sink"].GetProperty("description").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnUnreachableGrafanaOnlyDegradesTheService()
    {
        using var folder = new TempFolder();
        await using var app = new PowerViewApplication(folder, new Dictionary<string, string?>
        {
            ["Grafana:Url"] = "http://127.0.0.1:1",
            ["Grafana:AdminUser"] = "admin",
            ["Grafana:AdminPassword"] = "grafana-admin-password",
        });
        using var client = app.CreateClient(PowerViewApplication.AdminKey);

        using var response = await client.GetAsync("/health", TestContext.Current.CancellationToken);
        var health = await ReadAsync(response);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("Degraded", health.GetProperty("status").GetString());
        Assert.Equal("Degraded", Checks(health)["grafana"].GetProperty("status").GetString());
    }

    [Fact]
    public async Task TooLittleFreeDiskMakesTheService503()
    {
        using var folder = new TempFolder();
        await using var app = new PowerViewApplication(folder, new Dictionary<string, string?>
        {
            ["Health:MinFreeDiskMegabytes"] = long.MaxValue.ToString(System.Globalization.CultureInfo.InvariantCulture),
        });
        using var client = app.CreateClient(PowerViewApplication.AdminKey);

        using var response = await client.GetAsync("/health", TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal("Unhealthy", Checks(await ReadAsync(response))["disk"].GetProperty("status").GetString());
    }

    [Fact]
    public async Task WithHangfireRegisteredTheJobStorageIsCheckedAndItsJobsCounted()
    {
        using var folder = new TempFolder();
        using var storage = new InMemoryStorage();
        // A queue no server listens to: the job stays enqueued.
        new BackgroundJobClient(storage).Create(() => Console.WriteLine("waiting"), new EnqueuedState("monitoring-test"));
        await using var app = new PowerViewApplication(folder);
        await using var withJobs = app.WithWebHostBuilder(b => b.ConfigureTestServices(s => s.AddSingleton<JobStorage>(storage)));
        using var client = withJobs.CreateClient();
        client.DefaultRequestHeaders.Authorization = new("Bearer", PowerViewApplication.AdminKey);

        using var response = await client.GetAsync("/health", TestContext.Current.CancellationToken);
        var jobStorage = Checks(await ReadAsync(response))["jobStorage"];

        Assert.Equal("Healthy", jobStorage.GetProperty("status").GetString());
        Assert.Equal(1, jobStorage.GetProperty("data").GetProperty("enqueued").GetInt64());
        Assert.Contains("InMemoryStorage", jobStorage.GetProperty("description").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task AliveAnswersWithoutCheckingDependencies()
    {
        using var folder = new TempFolder();
        await using var app = new PowerViewApplication(folder, new Dictionary<string, string?>
        {
            ["Influx:Url"] = "http://127.0.0.1:1",
            ["Influx:Token"] = "token",
            ["Influx:Org"] = "powerview",
        });
        using var client = app.CreateClient(PowerViewApplication.AdminKey);

        using var response = await client.GetAsync("/alive", TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    private static async Task<JsonElement> ReadAsync(HttpResponseMessage response) =>
        JsonDocument.Parse(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken)).RootElement.Clone();

    private static Dictionary<string, JsonElement> Checks(JsonElement health) =>
        health.GetProperty("checks").EnumerateArray().ToDictionary(c => c.GetProperty("name").GetString()!);

    [Fact]
    public async Task AnonymousCallersGetNamesAndStatusesButNoPathUrlOrOrganisation()
    {
        using var folder = new TempFolder();
        await using var app = new PowerViewApplication(folder, new Dictionary<string, string?>
        {
            ["Influx:Url"] = "http://127.0.0.1:1",
            ["Influx:Token"] = "token",
            ["Influx:Org"] = "secret-org-name",
        });
        using var anonymous = app.CreateClient();

        using var response = await anonymous.GetAsync("/health", TestContext.Current.CancellationToken);
        var body = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        var checks = Checks(JsonDocument.Parse(body).RootElement);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal("Unhealthy", checks["sink"].GetProperty("status").GetString());
        foreach (var revealing in new[] { folder.Root, "127.0.0.1:1", "secret-org-name", "lineprotocol" })
        {
            Assert.DoesNotContain(revealing, body, StringComparison.Ordinal);
        }
    }
}
