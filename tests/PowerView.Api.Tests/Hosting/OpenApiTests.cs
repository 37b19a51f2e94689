using System.Net;
using System.Text.Json;
using PowerView.Api.Tests.Infrastructure;

namespace PowerView.Api.Tests.Hosting;

public sealed class OpenApiTests
{
    [Fact]
    public async Task TheDocumentDescribesEveryMonitoringEndpointWithTheBearerScheme()
    {
        using var folder = new TempFolder();
        await using var app = new PowerViewApplication(folder);
        using var client = app.CreateClient();

        var document = JsonDocument.Parse(await client.GetStringAsync("/openapi/v1.json", TestContext.Current.CancellationToken)).RootElement;

        var scheme = document.GetProperty("components").GetProperty("securitySchemes").GetProperty("Bearer");
        Assert.Equal(("http", "bearer"), (scheme.GetProperty("type").GetString(), scheme.GetProperty("scheme").GetString()));
        var paths = document.GetProperty("paths");
        foreach (var path in new[] { "/api/runs", "/api/runs/{id}", "/api/errors", "/api/campaigns", "/api/campaigns/{company}/{campaign}", "/api/stats/daily", "/metrics" })
        {
            var get = paths.GetProperty(path).GetProperty("get");
            Assert.False(string.IsNullOrWhiteSpace(get.GetProperty("summary").GetString()), path);
            Assert.False(string.IsNullOrWhiteSpace(get.GetProperty("description").GetString()), path);
            Assert.True(get.GetProperty("responses").TryGetProperty("401", out _), path + " documents 401");
            Assert.Equal("Bearer", get.GetProperty("security")[0].EnumerateObject().Single().Name);
        }

        var parameters = paths.GetProperty("/api/runs").GetProperty("get").GetProperty("parameters").EnumerateArray()
            .Select(p => p.GetProperty("name").GetString()!).ToArray();
        Assert.Equal(["company", "campaign", "device", "file", "status", "kind", "from", "to", "limit"], parameters);
        Assert.True(paths.GetProperty("/api/runs").GetProperty("get").GetProperty("responses").TryGetProperty("400", out _));
        Assert.True(paths.GetProperty("/api/runs/{id}").GetProperty("get").GetProperty("responses").TryGetProperty("404", out _));
        Assert.False(paths.GetProperty("/health").GetProperty("get").TryGetProperty("security", out _));
    }

    [Fact]
    public async Task TheDocumentHasEveryOperationOfTheServiceAndTheRunEnumsAsTheirWireNames()
    {
        using var folder = new TempFolder();
        await using var app = new PowerViewApplication(folder);
        using var client = app.CreateClient();

        var document = JsonDocument.Parse(await client.GetStringAsync("/openapi/v1.json", TestContext.Current.CancellationToken)).RootElement;

        var operations = document.GetProperty("paths").EnumerateObject()
            .SelectMany(path => path.Value.EnumerateObject().Select(method => $"{method.Name.ToUpperInvariant()} {path.Name}"))
            .Order(StringComparer.Ordinal);
        // The whole public surface: a change here is a change of the interface (docs/interface.md), never a side effect.
        Assert.Equal(
        [
            "GET /alive", "GET /api/campaigns", "GET /api/campaigns/{company}/{campaign}", "GET /api/companies", "GET /api/companies/{company}",
            "GET /api/companies/{company}/users", "GET /api/errors", "GET /api/files/stranded", "GET /api/files/stuck", "GET /api/runs",
            "GET /api/runs/{id}", "GET /api/stats/daily", "GET /health", "GET /metrics", "POST /api/companies/{company}/users", "POST /hooks/sftpgo",
        ], operations);
        var schemas = document.GetProperty("components").GetProperty("schemas");
        Assert.Equal(["success", "error", "deferred", "skipped"], schemas.GetProperty("RunStatus").GetProperty("enum").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal(["ingest", "provision"], schemas.GetProperty("RunKind").GetProperty("enum").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal(["hook", "sweep", "cli", "retry"], schemas.GetProperty("RunTrigger").GetProperty("enum").EnumerateArray().Select(e => e.GetString()));
    }

    [Fact]
    public async Task TheCompanyApiIsDocumentedWithItsAnswersAndRealExamples()
    {
        using var folder = new TempFolder();
        await using var app = new PowerViewApplication(folder);
        using var client = app.CreateClient();

        var document = JsonDocument.Parse(await client.GetStringAsync("/openapi/v1.json", TestContext.Current.CancellationToken)).RootElement;

        var paths = document.GetProperty("paths");
        var operations = new (string Path, string Method, string[] Statuses)[]
        {
            ("/api/companies", "get", ["200", "401", "403"]),
            ("/api/companies/{company}", "get", ["200", "401", "403", "404"]),
            ("/api/companies/{company}/users", "post", ["200", "201", "400", "401", "403", "404", "409", "502", "503"]),
            ("/api/companies/{company}/users", "get", ["200", "401", "403", "404", "502", "503"]),
        };
        foreach (var (path, method, statuses) in operations)
        {
            var operation = paths.GetProperty(path).GetProperty(method);
            Assert.False(string.IsNullOrWhiteSpace(operation.GetProperty("summary").GetString()), path);
            Assert.Contains("Admin key", operation.GetProperty("description").GetString(), StringComparison.Ordinal);
            Assert.Equal("Companies", operation.GetProperty("tags")[0].GetString());
            Assert.Equal("Bearer", operation.GetProperty("security")[0].EnumerateObject().Single().Name);
            Assert.Equal(statuses, operation.GetProperty("responses").EnumerateObject().Select(r => r.Name).Order(StringComparer.Ordinal));
        }

        var schemas = document.GetProperty("components").GetProperty("schemas");
        var company = schemas.GetProperty("CompanyAnswer");
        // The example is the answer type serialised: every documented property is in it, and no secret.
        var example = company.GetProperty("examples")[0];
        Assert.Equal(company.GetProperty("properties").EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal),
            example.EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal));
        Assert.DoesNotContain(company.GetProperty("properties").EnumerateObject(), p => p.Name.Contains("token", StringComparison.OrdinalIgnoreCase) && p.Name != "tokenId");
        Assert.Equal("jdupont", schemas.GetProperty("CompanyUserRequest").GetProperty("examples")[0].GetProperty("login").GetString());
        Assert.True(schemas.GetProperty("CompanyUserAnswer").GetProperty("properties").TryGetProperty("generatedPassword", out _));
    }

    [Fact]
    public async Task SwaggerUiReadsTheDocumentAndTheRootRedirectsToIt()
    {
        using var folder = new TempFolder();
        await using var app = new PowerViewApplication(folder);
        using var client = app.CreateClient(new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactoryClientOptions { AllowAutoRedirect = false });

        using var root = await client.GetAsync("/", TestContext.Current.CancellationToken);
        var ui = await client.GetStringAsync("/swagger/index.html", TestContext.Current.CancellationToken);
        var config = await client.GetStringAsync("/swagger/index.js", TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.Redirect, root.StatusCode);
        Assert.Equal("/swagger", root.Headers.Location?.OriginalString);
        Assert.Contains("swagger-ui", ui, StringComparison.Ordinal);
        Assert.Contains("/openapi/v1.json", config, StringComparison.Ordinal);
    }
}
