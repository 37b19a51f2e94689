using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using PowerView.Api.Runs;
using PowerView.Api.Tests.Infrastructure;
using PowerView.Api.Webhooks;

namespace PowerView.Api.Tests.Webhooks;

/// <summary>The OpenAPI document tells the truth about the hook: the body SFTPGo sends, its secret, every answer.</summary>
public sealed class HookDocumentationTests
{
    private static async Task<JsonElement> DocumentAsync(PowerViewApplication app)
    {
        using var client = app.CreateClient();
        return JsonDocument.Parse(await client.GetStringAsync("/openapi/v1.json", TestContext.Current.CancellationToken)).RootElement.Clone();
    }

    [Fact]
    public async Task TheDocumentedBodyHasExactlyTheFieldsTheEndpointReadsWithSftpGosNames()
    {
        using var folder = new TempFolder();
        await using var app = new PowerViewApplication(folder);

        var schema = (await DocumentAsync(app)).GetProperty("components").GetProperty("schemas").GetProperty("SftpGoEvent");

        var documented = schema.GetProperty("properties").EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal);
        var read = SftpGoJson.Default.SftpGoEvent.Properties.Select(p => p.Name).Order(StringComparer.Ordinal);
        Assert.Equal(read, documented);
        // SFTPGo's names (sdk notifier.FsEvent), not the API's camelCase.
        Assert.Contains("target_path", documented);
        Assert.Contains("virtual_path", documented);
        Assert.Contains("file_size", documented);
        Assert.Equal("integer", schema.GetProperty("properties").GetProperty("status").GetProperty("type")[1].GetString());
    }

    [Fact]
    public async Task TheDocumentedExamplePostedWithTheSecretQueuesItsFile()
    {
        using var folder = new TempFolder();
        await using var app = new PowerViewApplication(folder);
        using var client = await app.StartAsync();
        var example = (await DocumentAsync(app)).GetProperty("components").GetProperty("schemas").GetProperty("SftpGoEvent").GetProperty("examples")[0];
        folder.PlaceSample("company1/T302_251012_031720.tsv", company: "company1", campaign: "campaign1", device: "02001171");

        var (code, answer) = await HookCalls.PostAsync(client, JsonNode.Parse(example.GetRawText())!);
        var run = await app.WaitForRunAsync(r => r.FileName == "T302_251012_031720.tsv");

        Assert.Equal(HttpStatusCode.OK, code);
        Assert.Equal("queued", answer.GetProperty("status").GetString());
        Assert.Equal((RunStatus.Success, "company1", "campaign1", "02001171"), (run.Status, run.Company, run.Campaign, run.DeviceMasterSn));
    }

    [Fact]
    public async Task EveryAnswerAndTheSecretAreDocumented()
    {
        using var folder = new TempFolder();
        await using var app = new PowerViewApplication(folder);

        var document = await DocumentAsync(app);

        var hook = document.GetProperty("paths").GetProperty("/hooks/sftpgo").GetProperty("post");
        Assert.Equal(["200", "400", "401", "413"], hook.GetProperty("responses").EnumerateObject().Select(r => r.Name).Order(StringComparer.Ordinal));
        Assert.Equal(["HookSecret", "HookSecretBasic"], hook.GetProperty("security").EnumerateArray().Select(s => s.EnumerateObject().Single().Name));
        var schemes = document.GetProperty("components").GetProperty("securitySchemes");
        Assert.Equal("bearer", schemes.GetProperty("HookSecret").GetProperty("scheme").GetString());
        Assert.Equal("basic", schemes.GetProperty("HookSecretBasic").GetProperty("scheme").GetString());
        var statuses = document.GetProperty("components").GetProperty("schemas").GetProperty("HookStatus").GetProperty("enum").EnumerateArray().Select(e => e.GetString());
        Assert.Equal(["queued", "duplicate", "ignored"], statuses);
        Assert.Equal(["application/json"], hook.GetProperty("requestBody").GetProperty("content").EnumerateObject().Select(c => c.Name));
    }

    [Fact]
    public async Task TheMonitoringAnswersHaveRealExamplesOfTheirOwnShape()
    {
        using var folder = new TempFolder();
        await using var app = new PowerViewApplication(folder);

        var schemas = (await DocumentAsync(app)).GetProperty("components").GetProperty("schemas");

        foreach (var name in new[] { "RunSummary", "RunDetail", "CampaignSummary", "CampaignDetail", "DailyStats" })
        {
            var example = schemas.GetProperty(name).GetProperty("examples")[0];
            var documented = schemas.GetProperty(name).GetProperty("properties").EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal);
            // Every documented key is in the example, and nothing else.
            Assert.Equal(documented, example.EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal));
        }

        var run = schemas.GetProperty("RunSummary").GetProperty("examples")[0];
        Assert.Equal(("success", 4290), (run.GetProperty("status").GetString(), run.GetProperty("pointsWritten").GetInt32()));
    }

    [Fact]
    public async Task IntegerParametersAreIntegers()
    {
        using var folder = new TempFolder();
        await using var app = new PowerViewApplication(folder);

        var limit = (await DocumentAsync(app)).GetProperty("paths").GetProperty("/api/runs").GetProperty("get").GetProperty("parameters")
            .EnumerateArray().Single(p => p.GetProperty("name").GetString() == "limit");

        Assert.Equal("integer", limit.GetProperty("schema").GetProperty("type").GetString());
    }
}
