using Hangfire;

namespace PowerView.Api.Monitoring;

/// <summary>
/// Reads Hangfire's statistics when Hangfire is registered (its <see cref="JobStorage"/> in DI), for
/// <c>/health</c> and the queue gauges. Without Hangfire it answers "not configured"; nothing else here
/// depends on Hangfire, so the jobs feature can come and go.
/// </summary>
internal sealed class JobQueueProbe(IServiceProvider services)
{
    /// <summary>null when no job storage is registered.</summary>
    public JobStorage? Storage => services.GetService<JobStorage>();

    /// <summary>The storage's counters, read on the thread pool (the PostgreSQL storage blocks); null without Hangfire.</summary>
    public async Task<JobQueueStatistics?> ReadAsync(CancellationToken cancellationToken)
    {
        if (Storage is not { } storage)
        {
            return null;
        }

        var stats = await Task.Run(() => storage.GetMonitoringApi().GetStatistics(), cancellationToken).WaitAsync(cancellationToken);
        return new JobQueueStatistics(stats.Enqueued, stats.Processing, stats.Scheduled, stats.Failed, stats.Servers);
    }
}

internal sealed record JobQueueStatistics(long Enqueued, long Processing, long Scheduled, long Failed, long Servers);
