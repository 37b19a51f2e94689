using System.Net;
using System.Text.Json;
using PowerView.Api.Hosting;
using PowerView.Api.Runs;
using PowerView.Api.Tests.Infrastructure;
using PuppeteerSharp;
using static PowerView.Api.Tests.Infrastructure.RunsApi;

namespace PowerView.Api.Tests.Hosting;

/// <summary>
/// Swagger UI as an operator uses it, in Debian's Chromium (headless) against the service on a loopback port:
/// every endpoint listed, "Authorize" with a key, then "Execute" on the monitoring calls. What these tests read
/// is what the page shows, so they fail if the document, the security scheme or the UI set-up breaks.
/// </summary>
public sealed class SwaggerUiBrowserTests(Chromium chromium) : IClassFixture<Chromium>
{
    private static readonly DateTimeOffset Start = T0;

    [Fact]
    public async Task SwaggerUiListsEveryOperationOfTheDocument()
    {
        await using var session = await BrowserSession.StartAsync(chromium);

        await session.Page.GoToAsync(session.BaseUrl.ToString(), WaitUntilNavigation.Load);
        await session.Page.WaitForSelectorAsync(".opblock-summary-path");
        var shown = await session.Page.EvaluateExpressionAsync<string[]>(
            "[...document.querySelectorAll('.opblock')].map(o => o.querySelector('.opblock-summary-method').textContent + ' ' + o.querySelector('.opblock-summary-path').dataset.path)");

        using var document = JsonDocument.Parse(await session.Http.GetStringAsync(OpenApiExtensions.DocumentPath, TestContext.Current.CancellationToken));
        var documented = document.RootElement.GetProperty("paths").EnumerateObject()
            .SelectMany(path => path.Value.EnumerateObject().Select(op => op.Name.ToUpperInvariant() + " " + path.Name))
            .Order().ToArray();
        Assert.EndsWith("/swagger/index.html", session.Page.Url, StringComparison.Ordinal);
        Assert.Equal(documented, shown.Order().ToArray());
        Assert.Contains("GET /api/runs", shown);
        Assert.Contains("GET /api/campaigns/{company}/{campaign}", shown);
    }

    [Fact]
    public async Task AuthorizedWithTheAdminKeyTryItOutShowsRunsErrorsWithReasonsAndTheLastSuccessPerCampaign()
    {
        await using var session = await BrowserSession.StartAsync(chromium);
        var good = Ingest(Start, company: "company1", campaign: "site1", file: "T302_good.tsv");
        var bad = Ingest(Start.AddMinutes(5), company: "company2", campaign: "north", file: "T302_bad.tsv", status: RunStatus.Error, error: "no format line (FORMAT_VERSION) before the data");
        await session.App.RecordAsync(good, bad);
        await session.OpenAsync();

        var unauthorized = await session.ExecuteAsync("Runs-ListRuns");
        await session.AuthorizeAsync(PowerViewApplication.AdminKey);
        var runs = await session.ExecuteAsync("Runs-ListRuns");
        var errors = await session.ExecuteAsync("Runs-ListErrors");
        var campaigns = await session.ExecuteAsync("Campaigns-ListCampaigns");

        Assert.Equal(HttpStatusCode.Unauthorized, unauthorized.Status);
        Assert.Equal(HttpStatusCode.OK, runs.Status);
        Assert.Equal([bad.Id, good.Id], runs.Body.EnumerateArray().Select(r => r.GetProperty("id").GetString()));
        Assert.Equal(HttpStatusCode.OK, errors.Status);
        var error = Assert.Single(errors.Body.EnumerateArray());
        Assert.Equal(("T302_bad.tsv", "no format line (FORMAT_VERSION) before the data"), (error.GetProperty("fileName").GetString(), error.GetProperty("error").GetString()));
        Assert.Equal(HttpStatusCode.OK, campaigns.Status);
        var site1 = Assert.Single(campaigns.Body.EnumerateArray(), c => c.GetProperty("campaign").GetString() == "site1");
        Assert.Equal("T302_good.tsv", site1.GetProperty("lastSuccessFile").GetString());
        Assert.Equal(good.StartedAt, site1.GetProperty("lastSuccessAt").GetDateTimeOffset());
    }

    [Fact]
    public async Task AuthorizedWithACompanyKeyTryItOutShowsOnlyThatCompany()
    {
        await using var session = await BrowserSession.StartAsync(chromium);
        await session.App.RecordAsync(
            Ingest(Start, company: "company1", campaign: "site1"),
            Ingest(Start.AddMinutes(1), company: "company2", campaign: "north"));
        await session.OpenAsync();

        await session.AuthorizeAsync(PowerViewApplication.Company1Key);
        var runs = await session.ExecuteAsync("Runs-ListRuns");
        var campaigns = await session.ExecuteAsync("Campaigns-ListCampaigns");

        Assert.Equal(HttpStatusCode.OK, runs.Status);
        Assert.Equal(["company1"], runs.Body.EnumerateArray().Select(r => r.GetProperty("company").GetString()));
        Assert.Equal(["company1/site1"], campaigns.Body.EnumerateArray().Select(c => c.GetProperty("company").GetString() + "/" + c.GetProperty("campaign").GetString()));
    }

    [Theory]
    [InlineData("HookSecret", null)]
    [InlineData("HookSecretBasic", "sftpgo")]
    public async Task TheHookTriedFromSwaggerUiWithItsDocumentedExampleQueuesTheUpload(string scheme, string? user)
    {
        await using var session = await BrowserSession.StartAsync(chromium);
        // The documented example names the walkthrough's file, relative to the data root.
        session.App.Folder.PlaceSample("company1/T302_251012_031720.tsv", company: "company1", campaign: "campaign1", device: "02001171");
        await session.OpenAsync();

        var refused = await session.ExecuteAsync("Hooks-SftpGoHook");
        await session.AuthorizeAsync(scheme, PowerViewApplication.HookSecret, user);
        var accepted = await session.ExecuteAsync("Hooks-SftpGoHook");
        var run = await session.App.Runs.WaitForAsync(r => r.FileName == "T302_251012_031720.tsv");

        Assert.Equal(HttpStatusCode.Unauthorized, refused.Status);
        Assert.Equal(HttpStatusCode.OK, accepted.Status);
        Assert.Equal("queued", accepted.Body.GetProperty("status").GetString());
        Assert.Equal("company1/campaign1/02001171/T302_251012_031720.tsv", accepted.Body.GetProperty("path").GetString());
        Assert.Equal((RunStatus.Success, 4290L), (run.Status, run.Counters.PointsWritten));
    }
}
