using System.Net.Http.Headers;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using PowerView.Api.Hosting.Json;
using PowerView.Api.Runs;
using PowerView.Api.Runs.Contracts;
using PowerView.Api.Runs.Storage;

namespace PowerView.Api.Tests.Infrastructure;

/// <summary>Clients with a key, JSON reading, and runs recorded straight into the app's store, for the run history's tests.</summary>
internal static class RunsApi
{
    public static readonly DateTimeOffset T0 = new(2026, 1, 5, 10, 0, 0, TimeSpan.Zero);

    private static readonly JsonSerializerOptions Json = ApiJson.Create(indented: false);

    /// <summary>Settings for tests that place files and ingest them themselves: no sweep (at start-up or later) takes them first.</summary>
    public static Dictionary<string, string?> NoSweep => new()
    {
        // As in PowerViewApplication: copied samples keep the checkout's time, which 100 days would not outlast.
        ["Ingestion:SettleSeconds"] = "1000000000",
        ["Ingestion:IncompleteGraceSeconds"] = "1000000000",
    };

    public static HttpClient CreateClient(this PowerViewApplication app, string? key)
    {
        var client = app.CreateClient();
        if (key is not null)
        {
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        }

        return client;
    }

    public static async Task<JsonElement> GetJsonAsync(this HttpClient client, string url)
    {
        using var response = await client.GetAsync(url, TestContext.Current.CancellationToken);
        var body = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        Assert.True(response.IsSuccessStatusCode, $"GET {url} answered {(int)response.StatusCode}: {body}");
        return JsonDocument.Parse(body).RootElement.Clone();
    }

    public static async Task<IReadOnlyList<RunSummary>> GetRunsAsync(this HttpClient client, string url)
    {
        var json = await client.GetJsonAsync(url);
        return json.Deserialize<List<RunSummary>>(Json)!;
    }

    public static string[] Ids(this IEnumerable<RunSummary> runs) => runs.Select(r => r.Id).ToArray();

    public static async Task RecordAsync(this PowerViewApplication app, params RunRecord[] runs)
    {
        var store = app.Services.GetRequiredService<IRunStore>();
        foreach (var run in runs)
        {
            await store.RecordAsync(run, TestContext.Current.CancellationToken);
        }
    }

    /// <summary>An ingestion run as the pipeline records it; the id sorts like the start time.</summary>
    public static RunRecord Ingest(
        DateTimeOffset startedAt, string company = "acme", string campaign = "site1", string device = "02000800",
        string? file = null, RunStatus status = RunStatus.Success, long points = 100, string? error = null, int attempt = 1) => new()
        {
            Id = RunRecord.NewId(startedAt),
            Kind = RunKind.Ingest,
            Trigger = RunTrigger.Hook,
            Status = status,
            StartedAt = startedAt,
            FinishedAt = startedAt.AddMilliseconds(40),
            Company = company,
            Campaign = campaign,
            DeviceMasterSn = device,
            FileName = file ?? $"T302_{startedAt:yyMMdd_HHmmss}.tsv",
            Attempt = attempt,
            Format = status == RunStatus.Success ? "MV_T302_V002" : null,
            Counters = status == RunStatus.Success ? new RunCounters { LinesTotal = points / 6, RowsIngested = points / 6, PointsWritten = points, ChannelCount = 6 } : RunCounters.None,
            Error = error ?? (status is RunStatus.Error or RunStatus.Deferred ? "the file has no format lines" : null),
        };

    /// <summary>A provisioning run (Grafana folder/datasource/dashboard for a company or campaign).</summary>
    public static RunRecord Provision(DateTimeOffset startedAt, string company = "acme", string? campaign = "site1", RunStatus status = RunStatus.Success) => new()
    {
        Id = RunRecord.NewId(startedAt),
        Kind = RunKind.Provision,
        Trigger = RunTrigger.Hook,
        Status = status,
        StartedAt = startedAt,
        FinishedAt = startedAt.AddMilliseconds(200),
        Company = company,
        Campaign = campaign,
        Step = "dashboard",
        Message = "Grafana folder, datasource and dashboard ensured",
    };
}
