using PowerView.Api.Hosting.Metrics;
using Prometheus;

namespace PowerView.Api.Jobs;

/// <summary>The job queue's gauges (Hangfire's statistics), computed when <c>/metrics</c> is scraped.</summary>
internal sealed class JobMetrics(JobQueueProbe jobs, ILogger<JobMetrics> log) : IMetricsCollector
{
    private static readonly Gauge QueueLength = Metrics.CreateGauge(
        "powerview_queue_length", "Jobs enqueued and not started yet (Hangfire).", new GaugeConfiguration { SuppressInitialValue = true });

    private static readonly Gauge JobsProcessing = Metrics.CreateGauge(
        "powerview_jobs_processing", "Jobs running now (Hangfire).", new GaugeConfiguration { SuppressInitialValue = true });

    public async Task CollectAsync(CancellationToken cancellationToken)
    {
        try
        {
            var stats = await jobs.ReadAsync(cancellationToken);
            QueueLength.Set(stats.Enqueued);
            JobsProcessing.Set(stats.Processing);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            log.LogWarning("Job storage statistics unavailable for /metrics: {Problem}", ex.Message);
        }
    }
}
