using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;

namespace PowerView.Api.Provisioning;

/// <summary>
/// Grafana's <c>/api/health</c> (anonymous in Grafana) when <c>Grafana:Url</c> is set. Grafana down only
/// delays provisioning, so it makes the service degraded, not unhealthy.
/// </summary>
internal sealed class GrafanaHealthCheck(IOptions<GrafanaOptions> grafana, IHttpClientFactory clients) : IHealthCheck
{
    public const string ClientName = "grafana-health";

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        if (!grafana.Value.Enabled)
        {
            return HealthCheckResult.Healthy("not configured (provisioning is recorded as skipped)");
        }

        var url = new Uri(new Uri(grafana.Value.Url.TrimEnd('/') + "/"), "api/health");
        try
        {
            using var client = clients.CreateClient(ClientName);
            using var response = await client.GetAsync(url, cancellationToken);
            return response.IsSuccessStatusCode
                ? HealthCheckResult.Healthy($"Grafana {grafana.Value.Url} answers")
                : HealthCheckResult.Degraded($"Grafana {grafana.Value.Url} answered {(int)response.StatusCode} to /api/health");
        }
        catch (HttpRequestException ex)
        {
            return HealthCheckResult.Degraded($"Grafana {grafana.Value.Url} unreachable: {ex.Message}");
        }
    }
}
