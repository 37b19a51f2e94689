using System.Net.Http.Headers;
using System.Text.Json;
using Hangfire.States;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Http.Resilience;
using PowerView.Api.Tests.Infrastructure;
using PowerView.Api.Tests.Infrastructure.Doubles;

namespace PowerView.Api.Tests.Provisioning;

/// <summary>
/// The whole service in-process (<see cref="PowerViewApplication"/>: the real hook, Hangfire, run store, key handler)
/// with Grafana and InfluxDB configured as compose does, pointed at the two doubles.
/// </summary>
internal static class ProvisioningService
{
    public static Dictionary<string, string?> Settings(GrafanaApiDouble grafana, InfluxApiDouble influx) => new()
    {
        ["Grafana:Url"] = grafana.Url.ToString(),
        ["Grafana:AdminUser"] = GrafanaApiDouble.AdminLogin,
        ["Grafana:AdminPassword"] = GrafanaApiDouble.AdminPassword,
        ["Grafana:InfluxUrl"] = ProvisioningHost.InfluxUrlForGrafana,
        ["Grafana:ApiUrl"] = ProvisioningHost.ApiUrl,
        ["Influx:Url"] = influx.Url.ToString(),
        ["Influx:Token"] = InfluxApiDouble.AllAccessToken,
        ["Influx:Org"] = InfluxApiDouble.OrgName,
        // What the tests wait for (the start-up reconcile's summary).
        ["Serilog:MinimumLevel:Override:PowerView.Api.Jobs.ProvisionReconcileJob"] = "Information",
    };

    public static PowerViewApplication Create(TempFolder folder, GrafanaApiDouble grafana, InfluxApiDouble influx,
        IDictionary<string, string?>? settings = null, JobStates? states = null)
    {
        var all = Settings(grafana, influx);
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            all[key] = value;
        }

        return new PowerViewApplication(folder, all)
        {
            TestServices = services =>
            {
                // Grafana's transient failures are still retried by the resilience handler, without its waits.
                services.ConfigureAll<HttpStandardResilienceOptions>(o =>
                {
                    o.Retry.Delay = TimeSpan.Zero;
                    o.Retry.UseJitter = false;
                    o.CircuitBreaker.MinimumThroughput = int.MaxValue;
                });
                if (states is not null)
                {
                    services.AddSingleton<IApplyStateFilter>(states);
                }
            },
        };
    }

    /// <summary>Starts the service and waits for its start-up sweep and reconcile, so the folders a test makes afterwards are the test's.</summary>
    public static async Task<HttpClient> StartProvisioningAsync(this PowerViewApplication app)
    {
        var client = await app.StartAsync();
        await app.Logs.WaitForAsync("Provisioning reconcile:");
        return client;
    }

    /// <summary>Makes the folder on disk and sends SFTPGo's mkdir event for it; returns the hook's answer.</summary>
    public static async Task<JsonElement> MkdirAsync(HttpClient client, TempFolder folder, string relative)
    {
        var path = Path.Combine(folder.DataRoot, relative);
        Directory.CreateDirectory(path);
        var (code, body) = await HookCalls.PostAsync(client, HookCalls.Mkdir(path));
        Assert.Equal(System.Net.HttpStatusCode.OK, code);
        return body;
    }

    public static async Task<ApiAnswer> GetAsync(HttpClient client, string path, string key)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
        return await SendAsync(client, request);
    }

    public static async Task<ApiAnswer> PostJsonAsync(HttpClient client, string path, object body, string key)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = System.Net.Http.Json.JsonContent.Create(body) };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
        return await SendAsync(client, request);
    }

    private static async Task<ApiAnswer> SendAsync(HttpClient client, HttpRequestMessage request)
    {
        using var response = await client.SendAsync(request, TestContext.Current.CancellationToken);
        var text = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        return new ApiAnswer((int)response.StatusCode, text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone(), text, response.Headers);
    }
}

/// <summary>An answer of the API: status, JSON body (and its text, to look for what must not be in it), headers.</summary>
internal sealed record ApiAnswer(int Status, JsonElement Body, string Text, HttpResponseHeaders Headers);
