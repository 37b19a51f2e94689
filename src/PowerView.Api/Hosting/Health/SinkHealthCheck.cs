using Microsoft.Extensions.Diagnostics.HealthChecks;
using PowerView.Api.Ingestion.Sinks;

namespace PowerView.Api.Hosting.Health;

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

/// <summary>The run store answers a query.</summary>
internal sealed class RunStoreHealthCheck(Runs.IRunStore store) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            return await store.PingAsync(cancellationToken)
                ? HealthCheckResult.Healthy("run store answers")
                : HealthCheckResult.Unhealthy("run store gave an unexpected answer");
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            return HealthCheckResult.Unhealthy("run store unavailable: " + ex.Message);
        }
    }
}
