using Hangfire;

namespace PowerView.Api.Jobs;

/// <summary>Reads Hangfire's statistics, for <c>/health</c> and the queue gauges.</summary>
internal sealed class JobQueueProbe(JobStorage storage)
{
    public string StorageName => storage.GetType().Name;

    /// <summary>The storage's counters, read on the thread pool (the PostgreSQL storage blocks).</summary>
    public async Task<JobQueueStatistics> ReadAsync(CancellationToken cancellationToken)
    {
        var stats = await Task.Run(() => storage.GetMonitoringApi().GetStatistics(), cancellationToken).WaitAsync(cancellationToken);
        return new JobQueueStatistics(stats.Enqueued, stats.Processing, stats.Scheduled, stats.Failed, stats.Servers);
    }
}

internal sealed record JobQueueStatistics(long Enqueued, long Processing, long Scheduled, long Failed, long Servers);
