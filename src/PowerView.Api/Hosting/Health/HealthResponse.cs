using System.ComponentModel;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace PowerView.Api.Hosting.Health;

/// <summary>The <c>/health</c> body: overall status, then one flat entry per check (Infinity- and jq-friendly).</summary>
internal sealed record HealthAnswer(
    [property: Description("Healthy, Degraded or Unhealthy: the worst of the checks.")] string Status,
    long TotalDurationMs,
    IReadOnlyList<HealthEntry> Checks);

internal sealed record HealthEntry(
    [property: Description("sink (InfluxDB or line-protocol files), runStore, jobStorage, grafana, disk.")] string Name,
    string Status,
    string? Description,
    [property: Description("The exception message when the check itself failed (timeout included).")] string? Error,
    long DurationMs,
    IReadOnlyDictionary<string, object> Data);

internal static class HealthEndpoint
{
    private static readonly IReadOnlyDictionary<string, object> NoData = new Dictionary<string, object>();

    /// <summary>
    /// Runs every check; 200 when healthy or degraded, 503 with the same body when unhealthy. Anonymous callers (a load
    /// balancer, a container probe) get each check's name and status only: descriptions name folders, URLs and the
    /// InfluxDB organisation, which are for the admin key.
    /// </summary>
    public static async Task<Results<Ok<HealthAnswer>, JsonHttpResult<HealthAnswer>>> Check(
        HealthCheckService health, HttpContext context, CancellationToken cancellationToken)
    {
        var report = await health.CheckHealthAsync(cancellationToken);
        var admin = (await context.AuthenticateAsync(Security.ApiKeys.Scheme)).Principal?.IsInRole(Security.ApiKeys.AdminRole) == true;
        var answer = new HealthAnswer(
            report.Status.ToString(),
            (long)report.TotalDuration.TotalMilliseconds,
            report.Entries.Select(e => admin
                ? new HealthEntry(e.Key, e.Value.Status.ToString(), e.Value.Description, e.Value.Exception?.Message, (long)e.Value.Duration.TotalMilliseconds, e.Value.Data)
                : new HealthEntry(e.Key, e.Value.Status.ToString(), null, null, (long)e.Value.Duration.TotalMilliseconds, NoData)).ToList());
        context.Response.Headers.CacheControl = "no-store";
        return report.Status == HealthStatus.Unhealthy
            ? TypedResults.Json(answer, statusCode: StatusCodes.Status503ServiceUnavailable)
            : TypedResults.Ok(answer);
    }
}
