using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.DependencyInjection;
using PowerView.Api.Tests.Infrastructure;
using static PowerView.Api.Tests.Infrastructure.RunsApi;

namespace PowerView.Api.Tests.Hosting.Security;

public sealed class AuthenticationTests
{
    public static readonly TheoryData<string> SecuredPaths =
    [
        "/api/runs", "/api/runs/0123", "/api/errors", "/api/campaigns", "/api/campaigns/acme/site1", "/api/stats/daily", "/metrics",
    ];

    [Theory]
    [MemberData(nameof(SecuredPaths))]
    public async Task WithoutAKeyEveryMonitoringPathIsA401ProblemAskingForABearer(string path)
    {
        using var folder = new TempFolder();
        await using var app = new PowerViewApplication(folder);
        using var client = app.CreateClient(key: null);

        using var response = await client.GetAsync(path, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("Bearer", response.Headers.WwwAuthenticate.Single().Scheme);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken)).RootElement;
        Assert.Equal(401, problem.GetProperty("status").GetInt32());
    }

    [Theory]
    [InlineData("not-a-key-at-all")]
    [InlineData(PowerViewApplication.HookSecret)]
    [InlineData(PowerViewApplication.AdminKey + "x")]
    public async Task AWrongKeyIsA401InvalidTokenAndSaysNothingAboutTheKeys(string key)
    {
        using var folder = new TempFolder();
        await using var app = new PowerViewApplication(folder);
        using var client = app.CreateClient(key);

        using var response = await client.GetAsync("/api/runs", TestContext.Current.CancellationToken);
        var body = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("error=\"invalid_token\"", response.Headers.WwwAuthenticate.Single().Parameter);
        Assert.DoesNotContain(PowerViewApplication.AdminKey, body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TheBearerWordIsCaseInsensitiveAndTheKeyIsNot()
    {
        using var folder = new TempFolder();
        await using var app = new PowerViewApplication(folder);
        using var client = app.CreateClient();
        using var lower = new HttpRequestMessage(HttpMethod.Get, "/api/runs") { Headers = { { "Authorization", "bearer " + PowerViewApplication.AdminKey } } };
        using var upperKey = new HttpRequestMessage(HttpMethod.Get, "/api/runs") { Headers = { { "Authorization", "Bearer " + PowerViewApplication.AdminKey.ToUpperInvariant() } } };

        using var accepted = await client.SendAsync(lower, TestContext.Current.CancellationToken);
        using var refused = await client.SendAsync(upperKey, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, accepted.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
    }

    [Theory]
    [InlineData("/alive")]
    [InlineData("/health")]
    [InlineData("/openapi/v1.json")]
    [InlineData("/swagger/index.html")]
    public async Task OnlyLivenessHealthAndTheApiDescriptionAreAnonymous(string path)
    {
        using var folder = new TempFolder();
        await using var app = new PowerViewApplication(folder);
        using var client = app.CreateClient(key: null);

        using var response = await client.GetAsync(path, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task MetricsNeedTheAdminKeyNotACompanyKey()
    {
        using var folder = new TempFolder();
        await using var app = new PowerViewApplication(folder);
        using var company = app.CreateClient(PowerViewApplication.Company1Key);

        using var response = await company.GetAsync("/metrics", TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task AKeyAddedToTheConfigurationIsAcceptedForItsCompany()
    {
        using var folder = new TempFolder();
        await using var app = new PowerViewApplication(folder, new Dictionary<string, string?> { ["PowerView:CompanyKeys:beta"] = "beta-key-0123456789abcdef0123456789" });
        await app.RecordAsync(Ingest(T0, company: "beta"), Ingest(T0, company: "acme"));
        using var client = app.CreateClient("beta-key-0123456789abcdef0123456789");

        var runs = await client.GetRunsAsync("/api/runs");

        Assert.Equal("beta", Assert.Single(runs).Company);
    }

    [Fact]
    public async Task TheKeyIsReadOnlyWhereAMonitoringPolicyAsksForIt()
    {
        using var folder = new TempFolder();
        await using var app = new PowerViewApplication(folder);
        var schemes = app.Services.GetRequiredService<IAuthenticationSchemeProvider>();

        // No default scheme: other routes (hooks, Hangfire dashboard) never see a monitoring identity.
        Assert.Null(await schemes.GetDefaultAuthenticateSchemeAsync());
        Assert.NotNull(await schemes.GetSchemeAsync("ApiKey"));
    }

    [Fact]
    public async Task TheMetricsKeyReadsMetricsAndNothingElse()
    {
        using var folder = new TempFolder();
        await using var app = new PowerViewApplication(folder);
        using var metrics = app.CreateClient(PowerViewApplication.MetricsKey);

        using var scraped = await metrics.GetAsync("/metrics", TestContext.Current.CancellationToken);
        using var runs = await metrics.GetAsync("/api/runs", TestContext.Current.CancellationToken);
        using var stranded = await metrics.GetAsync("/api/files/stranded", TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, scraped.StatusCode);
        Assert.Contains("powerview_waiting_files", await scraped.Content.ReadAsStringAsync(TestContext.Current.CancellationToken), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Forbidden, runs.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, stranded.StatusCode);
    }
}
