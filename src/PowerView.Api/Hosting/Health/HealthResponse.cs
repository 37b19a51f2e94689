using System.Text.Json;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using PowerView.Api.Runs;

namespace PowerView.Api.Hosting.Health;

/// <summary>The <c>/health</c> body: overall status, then one flat entry per check (Infinity- and jq-friendly).</summary>
internal static class HealthResponse
{
    public static Task WriteAsync(HttpContext context, HealthReport report)
    {
        context.Response.ContentType = "application/json; charset=utf-8";
        context.Response.Headers.CacheControl = "no-store";
        var body = new
        {
            status = report.Status.ToString(),
            totalDurationMs = (long)report.TotalDuration.TotalMilliseconds,
            checks = report.Entries.Select(e => new
            {
                name = e.Key,
                status = e.Value.Status.ToString(),
                description = e.Value.Description,
                error = e.Value.Exception?.Message,
                durationMs = (long)e.Value.Duration.TotalMilliseconds,
                data = e.Value.Data,
            }),
        };
        return JsonSerializer.SerializeAsync(context.Response.Body, body, RunJson.Options, context.RequestAborted);
    }
}
