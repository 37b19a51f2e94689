using System.Net;
using System.Net.Http.Headers;
using PowerView.Api.Tests.Infrastructure;

namespace PowerView.Api.Tests.Jobs;

/// <summary>/hangfire is never anonymous: behind Caddy every request comes from 127.0.0.1, so "local only" would be open.</summary>
public sealed class DashboardTests
{
    public static TheoryData<string, HttpStatusCode> Credentials => new()
    {
        { "", HttpStatusCode.Unauthorized },
        { "Bearer wrong-key-0123456789", HttpStatusCode.Unauthorized },
        { HookCalls.Basic("admin", "wrong-key-0123456789"), HttpStatusCode.Unauthorized },
        { "Bearer " + PowerViewApplication.HookSecret, HttpStatusCode.Unauthorized },
        { "Bearer " + PowerViewApplication.Company1Key, HttpStatusCode.Unauthorized },
        { HookCalls.Basic("admin", PowerViewApplication.AdminKey), HttpStatusCode.OK },
        { HookCalls.Basic("", PowerViewApplication.AdminKey), HttpStatusCode.OK },
        { "Bearer " + PowerViewApplication.AdminKey, HttpStatusCode.OK },
    };

    [Theory]
    [MemberData(nameof(Credentials))]
    public async Task TheDashboardAsksForTheAdminKey(string authorization, HttpStatusCode expected)
    {
        using var folder = new TempFolder();
        await using var app = new PowerViewApplication(folder);
        using var client = app.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/hangfire");
        if (authorization.Length > 0)
        {
            request.Headers.Authorization = AuthenticationHeaderValue.Parse(authorization);
        }

        using var response = await client.SendAsync(request, TestContext.Current.CancellationToken);
        var body = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);

        Assert.Equal(expected, response.StatusCode);
        if (expected == HttpStatusCode.OK)
        {
            Assert.Contains("PowerView jobs", body, StringComparison.Ordinal);
        }
        else
        {
            // The browser's login prompt.
            Assert.Contains(response.Headers.WwwAuthenticate, h => h.Scheme == "Basic");
            Assert.DoesNotContain("PowerView jobs", body, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task DashboardActionsNeedTheAntiforgeryTokenEvenWithTheKey()
    {
        using var folder = new TempFolder();
        await using var app = new PowerViewApplication(folder);
        using var client = app.CreateClient();
        client.DefaultRequestHeaders.Authorization = AuthenticationHeaderValue.Parse(HookCalls.Basic("admin", PowerViewApplication.AdminKey));

        // A cross-site form post would carry the browser's Basic credentials but not the page's token.
        using var forged = await client.PostAsync("/hangfire/jobs/enqueued/delete", new FormUrlEncodedContent([new("jobs[]", "1")]), TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.Forbidden, forged.StatusCode);
    }
}
