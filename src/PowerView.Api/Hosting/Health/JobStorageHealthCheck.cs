using Microsoft.Extensions.Diagnostics.HealthChecks;
using PowerView.Api.Monitoring;

namespace PowerView.Api.Hosting.Health;

/// <summary>
/// Hangfire's job storage answers (for PostgreSQL: the database is reachable). Reported healthy with
/// "not configured" while no Hangfire storage is registered.
/// </summary>
internal sealed class JobStorageHealthCheck(JobQueueProbe jobs) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            var stats = await jobs.ReadAsync(cancellationToken);
            if (stats is null)
            {
                return HealthCheckResult.Healthy("not configured");
            }

            var data = new Dictionary<string, object>
            {
                ["enqueued"] = stats.Enqueued,
                ["processing"] = stats.Processing,
                ["scheduled"] = stats.Scheduled,
                ["failed"] = stats.Failed,
                ["servers"] = stats.Servers,
            };
            return HealthCheckResult.Healthy($"{jobs.Storage!.GetType().Name}: {stats.Enqueued} enqueued, {stats.Processing} processing", data);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            return HealthCheckResult.Unhealthy("job storage unavailable: " + ex.Message);
        }
    }
}
