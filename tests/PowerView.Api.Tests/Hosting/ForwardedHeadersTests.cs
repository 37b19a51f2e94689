using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.TestHost;
using PowerView.Api.Tests.Infrastructure;

namespace PowerView.Api.Tests.Hosting;

/// <summary>Behind Caddy: the OpenAPI document (hence Swagger UI's "Try it out") uses the public https address.</summary>
public sealed class ForwardedHeadersTests
{
    [Theory]
    [InlineData("10.1.2.3", "https://api.example.com")]
    [InlineData("203.0.113.9", "http://localhost")]
    public async Task ForwardedHeadersAreBelievedOnlyFromTheProxyNetworks(string proxyAddress, string expectedServer)
    {
        using var folder = new TempFolder();
        await using var app = new PowerViewApplication(folder, new Dictionary<string, string?>
        {
            ["ForwardedHeaders:KnownNetworks:0"] = "10.0.0.0/8",
        });
        var server = app.Server;
        var context = await server.SendAsync(c =>
        {
            c.Request.Method = "GET";
            c.Request.Path = "/openapi/v1.json";
            c.Request.Headers["X-Forwarded-Proto"] = "https";
            c.Request.Headers["X-Forwarded-Host"] = "api.example.com";
            c.Request.Headers["X-Forwarded-For"] = "198.51.100.7";
            c.Connection.RemoteIpAddress = IPAddress.Parse(proxyAddress);
        }, TestContext.Current.CancellationToken);

        Assert.Equal(200, context.Response.StatusCode);
        using var document = await JsonDocument.ParseAsync(context.Response.Body, cancellationToken: TestContext.Current.CancellationToken);
        Assert.Equal(expectedServer, document.RootElement.GetProperty("servers")[0].GetProperty("url").GetString()!.TrimEnd('/'));
    }

    [Fact]
    public async Task AKnownNetworkThatIsNotCidrStopsTheServiceWithTheKey()
    {
        using var folder = new TempFolder();
        await using var app = new PowerViewApplication(folder, new Dictionary<string, string?>
        {
            ["ForwardedHeaders:KnownNetworks:0"] = "caddy",
        });

        var refusal = app.StartupRefusal();

        Assert.Contains("ForwardedHeaders:KnownNetworks: 'caddy' is not a CIDR network", refusal, StringComparison.Ordinal);
    }
}
