using PowerView.Api.Ingestion;
using Prometheus;

namespace PowerView.Api.Monitoring;

/// <summary>
/// Gauges computed when <c>/metrics</c> is scraped: the job queue (Hangfire, when registered) and the
/// files waiting under the data root. The data-root scan is cached a few seconds so that several
/// scrapers cost one scan. The run counters and the duration histogram live in <see cref="IngestionMetrics"/>.
/// </summary>
internal sealed class OperationalMetrics(DataLayout layout, JobQueueProbe jobs, TimeProvider time, ILogger<OperationalMetrics> log) : IDisposable
{
    private static readonly TimeSpan ScanCacheFor = TimeSpan.FromSeconds(10);

    private static readonly Gauge QueueLength = Metrics.CreateGauge(
        "powerview_queue_length", "Jobs enqueued and not started yet (Hangfire).", new GaugeConfiguration { SuppressInitialValue = true });

    private static readonly Gauge JobsProcessing = Metrics.CreateGauge(
        "powerview_jobs_processing", "Jobs running now (Hangfire).", new GaugeConfiguration { SuppressInitialValue = true });

    private static readonly Gauge WaitingFiles = Metrics.CreateGauge(
        "powerview_waiting_files", "Device files under the data root not ingested yet (not in parsed/ or error/).");

    private static readonly Gauge OldestWaitingFile = Metrics.CreateGauge(
        "powerview_oldest_waiting_file_age_seconds", "Age (since last modification) of the oldest waiting device file; 0 when none waits.");

    private readonly SemaphoreSlim _scanGate = new(1, 1);
    private DateTimeOffset _scannedAt = DateTimeOffset.MinValue;
    private (int Count, DateTimeOffset? Oldest) _scan;

    public async Task UpdateAsync(CancellationToken cancellationToken)
    {
        try
        {
            if (await jobs.ReadAsync(cancellationToken) is { } stats)
            {
                QueueLength.Set(stats.Enqueued);
                JobsProcessing.Set(stats.Processing);
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            log.LogWarning("Job storage statistics unavailable for /metrics: {Problem}", ex.Message);
        }

        var (count, oldest) = await ScanAsync(cancellationToken);
        WaitingFiles.Set(count);
        OldestWaitingFile.Set(oldest is { } at ? Math.Max(0, (time.GetUtcNow() - at).TotalSeconds) : 0);
    }

    private async Task<(int Count, DateTimeOffset? Oldest)> ScanAsync(CancellationToken cancellationToken)
    {
        await _scanGate.WaitAsync(cancellationToken);
        try
        {
            if (time.GetUtcNow() - _scannedAt < ScanCacheFor)
            {
                return _scan;
            }

            _scan = await Task.Run(Scan, cancellationToken);
            _scannedAt = time.GetUtcNow();
            return _scan;
        }
        finally
        {
            _scanGate.Release();
        }
    }

    private (int Count, DateTimeOffset? Oldest) Scan()
    {
        var count = 0;
        DateTimeOffset? oldest = null;
        foreach (var file in new DataRootScanner(layout).FindWaitingFiles())
        {
            var info = new FileInfo(file.FullPath);
            if (!info.Exists)
            {
                continue;
            }

            count++;
            var modified = new DateTimeOffset(info.LastWriteTimeUtc, TimeSpan.Zero);
            if (oldest is null || modified < oldest)
            {
                oldest = modified;
            }
        }

        return (count, oldest);
    }

    public void Dispose() => _scanGate.Dispose();
}
