using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace PowerView.Api.Ingestion.Sinks;

/// <summary>InfluxDB answers and accepts the token (or the line-protocol folder is writable).</summary>
internal sealed class SinkHealthCheck(ILineProtocolSink sink) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var health = await sink.CheckHealthAsync(cancellationToken);
        return health.Healthy
            ? HealthCheckResult.Healthy(health.Description)
            : HealthCheckResult.Unhealthy($"{health.Description}: {health.Problem}");
    }
}
