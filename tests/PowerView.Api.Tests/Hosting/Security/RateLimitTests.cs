using System.Net;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using PowerView.Api.Tests.Infrastructure;

namespace PowerView.Api.Tests.Hosting.Security;

/// <summary>How much one client may ask: failed authentications per address, the API per key, the hook per address.</summary>
public sealed class RateLimitTests
{
    private static async Task AssertTooManyAsync(HttpResponseMessage response)
    {
        Assert.Equal(HttpStatusCode.TooManyRequests, response.StatusCode);
        Assert.True(response.Headers.RetryAfter?.Delta is { TotalSeconds: >= 1 }, "Retry-After in seconds");
        var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken)).RootElement;
        Assert.Equal(429, problem.GetProperty("status").GetInt32());
    }

    [Fact]
    public async Task TenFailedAuthenticationsInAMinuteLockTheAddressOutEvenWithTheRightKeyUntilTheMinuteHasPassed()
    {
        using var folder = new TempFolder();
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var app = new PowerViewApplication(folder, new Dictionary<string, string?> { ["RateLimits:FailedAuthenticationsPerMinute"] = "10" })
        {
            TestServices = s => s.AddSingleton<TimeProvider>(clock),
        };
        using var wrong = app.CreateClient("not-a-key-of-this-service-0123456789");
        using var right = app.CreateClient(PowerViewApplication.AdminKey);
        var ct = TestContext.Current.CancellationToken;

        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 10; i++)
        {
            using var attempt = await (i % 2 == 0 ? wrong.GetAsync("/api/runs", ct) : wrong.PostAsync("/hooks/sftpgo", new StringContent("{}"), ct));
            statuses.Add(attempt.StatusCode);
        }

        using var locked = await right.GetAsync("/api/runs", ct);
        await AssertTooManyAsync(locked);
        clock.Advance(TimeSpan.FromSeconds(61));
        using var again = await right.GetAsync("/api/runs", ct);

        Assert.All(statuses, s => Assert.Equal(HttpStatusCode.Unauthorized, s));
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
    }

    [Fact]
    public async Task TheApiTakesABurstPerKeyThenAnswers429AndAnotherKeyIsNotSlowedDown()
    {
        using var folder = new TempFolder();
        await using var app = new PowerViewApplication(folder, new Dictionary<string, string?>
        {
            ["RateLimits:ApiPerSecond"] = "1",
            ["RateLimits:ApiBurst"] = "5",
        });
        using var admin = app.CreateClient(PowerViewApplication.AdminKey);
        using var company = app.CreateClient(PowerViewApplication.Company1Key);
        var ct = TestContext.Current.CancellationToken;

        // The bucket refills one token a second: at most one more request than the burst can pass in this loop's time.
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 8; i++)
        {
            using var response = await admin.GetAsync("/api/runs", ct);
            statuses.Add(response.StatusCode);
        }

        using var refused = await admin.GetAsync("/api/campaigns", ct);
        using var other = await company.GetAsync("/api/runs", ct);

        Assert.InRange(statuses.Count(s => s == HttpStatusCode.OK), 5, 6);
        Assert.Contains(HttpStatusCode.TooManyRequests, statuses);
        await AssertTooManyAsync(refused);
        Assert.Equal(HttpStatusCode.OK, other.StatusCode);
    }

    [Fact]
    public async Task TheHookTakesItsBurstThenAnswers429()
    {
        using var folder = new TempFolder();
        await using var app = new PowerViewApplication(folder, new Dictionary<string, string?>
        {
            ["RateLimits:HookPerSecond"] = "1",
            ["RateLimits:HookBurst"] = "3",
        });
        using var client = app.CreateClient();
        var ct = TestContext.Current.CancellationToken;

        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 6; i++)
        {
            var (code, _) = await HookCalls.PostAsync(client, HookCalls.Upload("acme/site1/02000800/T302_x.tsv", status: 2));
            statuses.Add(code);
        }

        Assert.InRange(statuses.Count(s => s == HttpStatusCode.OK), 3, 4);
        Assert.Equal(HttpStatusCode.TooManyRequests, statuses[^1]);
    }

    [Fact]
    public async Task TheDefaultsAreTheDocumentedOnesAndGenerousForSftpGo()
    {
        using var folder = new TempFolder();
        await using var app = new PowerViewApplication(folder, new Dictionary<string, string?>
        {
            ["RateLimits:FailedAuthenticationsPerMinute"] = null,
            ["RateLimits:ApiPerSecond"] = null,
            ["RateLimits:HookPerSecond"] = null,
        });
        using var client = app.CreateClient();
        var ct = TestContext.Current.CancellationToken;

        // A burst of 300 events, as SFTPGo sends after a batch upload: none refused.
        var answers = await Task.WhenAll(Enumerable.Range(0, 300).Select(i =>
            HookCalls.PostAsync(client, HookCalls.Upload($"acme/site1/02000800/T302_{i}.tsv", status: 2))));

        Assert.All(answers, a => Assert.Equal(HttpStatusCode.OK, a.Code));
        var limits = app.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<PowerView.Api.Hosting.Security.RateLimitOptions>>().Value;
        Assert.Equal((10, 50, 100, 5000), (limits.FailedAuthenticationsPerMinute, limits.ApiPerSecond, limits.ApiBurst, limits.HookPerSecond));
        using var missing = await client.GetAsync("/api/runs", ct);
        Assert.Equal(HttpStatusCode.Unauthorized, missing.StatusCode);
    }
}
