using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace PowerView.Api.Jobs;

/// <summary>
/// Hangfire's job storage answers (for PostgreSQL: the database is reachable).
/// </summary>
internal sealed class JobStorageHealthCheck(JobQueueProbe jobs) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            var stats = await jobs.ReadAsync(cancellationToken);
            var data = new Dictionary<string, object>
            {
                ["enqueued"] = stats.Enqueued,
                ["processing"] = stats.Processing,
                ["scheduled"] = stats.Scheduled,
                ["failed"] = stats.Failed,
                ["servers"] = stats.Servers,
            };
            return HealthCheckResult.Healthy($"{jobs.StorageName}: {stats.Enqueued} enqueued, {stats.Processing} processing", data);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            return HealthCheckResult.Unhealthy("job storage unavailable: " + ex.Message);
        }
    }
}
