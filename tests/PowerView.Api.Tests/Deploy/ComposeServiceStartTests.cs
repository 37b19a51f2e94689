using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Npgsql;
using PowerView.Api.Tests.Infrastructure;
using PowerView.Api.Tests.Infrastructure.Servers;

namespace PowerView.Api.Tests.Deploy;

/// <summary>
/// The first boot as an operator does it, without Docker: deploy/.env filled by the runbook's commands, the API's
/// environment exactly as docker-compose 1.29 resolves it, and the built service started with it in a process of its
/// own. Only what a container provides differently is changed: the two volumes' mount points become test folders
/// (the hook's paths are re-rooted the way the shared volume makes them agree), and the shared profile's PostgreSQL
/// is the test's server. Everything else (secrets, storage choices, InfluxDB and Grafana addresses, which do not
/// resolve here as before their containers answer) is the compose file's.
/// </summary>
public sealed class ComposeServiceStartTests(SharedPostgreSql shared)
{
    private const string ContainerDataRoot = "/srv/sftpgo/data";

    [Fact]
    public async Task TheApiStartsWithTheComposeEnvironmentAndAnswersWithTheRunbooksSecrets()
    {
        using var folder = new TempFolder();
        var (api, _) = await ResolvedServicesAsync(folder);
        var env = ApiEnvironment(api, folder, "state");

        await using var instance = new PowerViewInstance("compose-api", env);
        await instance.InitializeAsync();
        instance.Require();

        await AssertAnswersAsync(instance, api, folder);

        // The image's HEALTHCHECK: the healthcheck verb with the container's environment (the .NET images set
        // ASPNETCORE_HTTP_PORTS, here the instance's port).
        var (exit, stdout, stderr) = await PowerViewProcess.RunAsync(folder, ["healthcheck"],
            [.. env.Select(e => (e.Key, e.Value)), ("DOTNET_ENVIRONMENT", null), ("ASPNETCORE_ENVIRONMENT", "Production"),
             ("ASPNETCORE_HTTP_PORTS", instance.Port.ToString(System.Globalization.CultureInfo.InvariantCulture))]);
        Assert.True(exit == 0, $"healthcheck exited {exit}: {stdout}{stderr}");
    }

    [Fact]
    public async Task BothInstancesOfTheSharedProfileStartTogetherOnOneEmptyDatabase()
    {
        shared.Server.Require();
        using var folder = new TempFolder();
        var (api, api2) = await ResolvedServicesAsync(folder, new Dictionary<string, string>
        {
            ["COMPOSE_PROFILES"] = "shared",
            ["POWERVIEW_JOBS_STORAGE"] = "PostgreSql",
            ["POWERVIEW_RUNS_STORAGE"] = "PostgreSql",
        });
        var database = new NpgsqlConnectionStringBuilder(await shared.Server.CreateDatabaseAsync());

        // Both at once: each migrates the job storage, the run store and the provisioning store of the same database.
        await using var first = new PowerViewInstance("compose-api", OnTestServer(ApiEnvironment(api, folder, "state"), database));
        await using var second = new PowerViewInstance("compose-api2", OnTestServer(ApiEnvironment(api2!, folder, "state-2"), database));
        await Task.WhenAll(first.InitializeAsync().AsTask(), second.InitializeAsync().AsTask());
        first.Require();
        second.Require();

        await AssertAnswersAsync(first, api, folder);
        using var client = second.Client(Env(api2!, "PowerView__AdminKey"));
        var runs = await client.GetFromJsonAsync<JsonElement>("/api/runs", TestContext.Current.CancellationToken);
        Assert.Equal(JsonValueKind.Array, runs.ValueKind);
    }

    /// <summary>The hook with the secret SFTPGo is given, the admin and metrics keys, /health: all from the filled .env.</summary>
    private static async Task AssertAnswersAsync(PowerViewInstance instance, JsonObject api, TempFolder folder)
    {
        Directory.CreateDirectory(Path.Combine(folder.DataRoot, "acme"));
        using var anonymous = instance.Client();
        using var hook = instance.Client(Env(api, "PowerView__HookSecret"));
        using var admin = instance.Client(Env(api, "PowerView__AdminKey"));
        using var metrics = instance.Client(Env(api, "PowerView__MetricsKey"));
        var ct = TestContext.Current.CancellationToken;

        var mkdir = new JsonObject { ["action"] = "mkdir", ["username"] = "acme", ["path"] = ContainerDataRoot + "/acme", ["virtual_path"] = "/" };
        using var queued = await hook.PostAsync("/hooks/sftpgo", new StringContent(mkdir.ToJsonString(), System.Text.Encoding.UTF8, "application/json"), ct);
        Assert.Equal(HttpStatusCode.OK, queued.StatusCode);
        // Queued, or a duplicate of the provisioning the start-up reconcile may already have queued for the folder.
        Assert.Contains((await queued.Content.ReadFromJsonAsync<JsonElement>(ct)).GetProperty("status").GetString(), new[] { "queued", "duplicate" });
        using var refused = await admin.PostAsync("/hooks/sftpgo", new StringContent(mkdir.ToJsonString(), System.Text.Encoding.UTF8, "application/json"), ct);
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);

        using var scraped = await metrics.GetAsync("/metrics", ct);
        Assert.Equal(HttpStatusCode.OK, scraped.StatusCode);
        Assert.Contains("powerview_", await scraped.Content.ReadAsStringAsync(ct), StringComparison.Ordinal);

        // InfluxDB and Grafana are not up (their names do not resolve here): /health says so, and names the addresses.
        using var health = await admin.GetAsync("/health", ct);
        var report = await health.Content.ReadAsStringAsync(ct);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, health.StatusCode);
        Assert.Contains("influxdb:8086", report, StringComparison.Ordinal);
        Assert.Contains("grafana:3000", report, StringComparison.Ordinal);
        using var publicHealth = await anonymous.GetAsync("/health", ct);
        Assert.DoesNotContain("influxdb:8086", await publicHealth.Content.ReadAsStringAsync(ct), StringComparison.Ordinal);
    }

    /// <summary>deploy/.env as the runbook leaves it, and the services api and api2 as docker-compose resolves them.</summary>
    private static async Task<(JsonObject Api, JsonObject? Api2)> ResolvedServicesAsync(TempFolder folder, IReadOnlyDictionary<string, string>? extra = null)
    {
        var (output, errors) = await ComposeStack.RunRunbookConfigureAsync(folder.Root);
        Assert.True(output.Length == 0 && errors.Length == 0, $"the runbook's configure block: {output}{errors}");
        var (exitCode, config, composeErrors) = await ComposeStack.ConfigAsync(Path.Combine(folder.Root, "deploy", ".env"), extra);
        Assert.True(exitCode == 0, composeErrors);
        Assert.DoesNotContain("variable is not set", composeErrors, StringComparison.Ordinal);
        var compose = YamlJson.Load(config)!.AsObject();
        return (ComposeStack.Service(compose, "api"), compose["services"]!["api2"]?.AsObject());
    }

    /// <summary>The service's environment in compose, with the volumes' mount points on test folders.</summary>
    private static Dictionary<string, string?> ApiEnvironment(JsonObject service, TempFolder folder, string stateName)
    {
        var env = service["environment"]!.AsObject().ToDictionary(e => e.Key, e => (string?)e.Value?.ToString());
        Assert.Equal(ContainerDataRoot, env["PowerView__DataRoot"]);
        Assert.Equal("/var/lib/powerview", env["PowerView__StateDir"]);
        env["PowerView__DataRoot"] = folder.DataRoot;
        env["PowerView__StateDir"] = Path.Combine(folder.Root, stateName);
        // In the containers SFTPGo and the API mount the volume at the same path; here the API's is elsewhere.
        env["Hooks__SftpGoDataRoot"] = ContainerDataRoot;
        // The rate limits stay as shipped; the test's dozen calls are far below them.
        return env;
    }

    /// <summary>The compose connection strings (database, user, password of the .env) pointed at the test's server.</summary>
    private static Dictionary<string, string?> OnTestServer(Dictionary<string, string?> env, NpgsqlConnectionStringBuilder database)
    {
        foreach (var name in new[] { "ConnectionStrings__Hangfire", "ConnectionStrings__Runs" })
        {
            var composed = new NpgsqlConnectionStringBuilder(env[name]);
            Assert.Equal("postgres", composed.Host);
            Assert.Equal(64, composed.Password!.Length);
            composed.Host = database.Host;
            composed.Port = database.Port;
            composed.Database = database.Database;
            composed.Username = database.Username;
            env[name] = composed.ConnectionString;
        }

        return env;
    }

    private static string Env(JsonObject service, string name) =>
        ComposeStack.Env(service, name) ?? throw new Xunit.Sdk.XunitException($"{name} is not in the compose environment");
}
