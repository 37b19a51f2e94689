using PowerView.Api.Hosting.Metrics;
using Prometheus;

namespace PowerView.Api.Ingestion;

/// <summary>
/// The files waiting under the data root, computed when <c>/metrics</c> is scraped. The scan is cached a few seconds
/// so that several scrapers cost one scan.
/// </summary>
internal sealed class WaitingFilesMetrics(DataRootScanner scanner, StrandedFiles stranded, StuckFiles stuck, TimeProvider time) : IMetricsCollector, IDisposable
{
    private static readonly TimeSpan ScanCacheFor = TimeSpan.FromSeconds(10);

    private static readonly Gauge WaitingFiles = Metrics.CreateGauge(
        "powerview_waiting_files", "Device files under the data root not ingested yet (not in parsed/ or error/).");

    private static readonly Gauge OldestWaitingFile = Metrics.CreateGauge(
        "powerview_oldest_waiting_file_age_seconds", "Age (since last modification) of the oldest waiting device file; 0 when none waits.");

    private static readonly Gauge StrandedFiles = Metrics.CreateGauge(
        "powerview_stranded_files", "Files of the data root that will never be ingested where they are (wrong depth, not .tsv): /api/files/stranded lists them.");

    private static readonly Gauge StuckFileCount = Metrics.CreateGauge(
        "powerview_stuck_files", "Files whose run could not move them to parsed/ or error/, not ingested again until they can be moved: /api/files/stuck lists them.");

    private readonly SemaphoreSlim _scanGate = new(1, 1);
    private DateTimeOffset _scannedAt = DateTimeOffset.MinValue;
    private (int Count, DateTimeOffset? Oldest, int Stranded, int Stuck) _scan;

    public async Task CollectAsync(CancellationToken cancellationToken)
    {
        var (count, oldest, strandedCount, stuckCount) = await ScanAsync(cancellationToken);
        WaitingFiles.Set(count);
        OldestWaitingFile.Set(oldest is { } at ? Math.Max(0, (time.GetUtcNow() - at).TotalSeconds) : 0);
        StrandedFiles.Set(strandedCount);
        StuckFileCount.Set(stuckCount);
    }

    private async Task<(int Count, DateTimeOffset? Oldest, int Stranded, int Stuck)> ScanAsync(CancellationToken cancellationToken)
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

    private (int Count, DateTimeOffset? Oldest, int Stranded, int Stuck) Scan()
    {
        var count = 0;
        DateTimeOffset? oldest = null;
        foreach (var file in scanner.FindWaitingFiles())
        {
            var info = new FileInfo(file.FullPath);
            // A stuck file was ingested; it waits for its move only, and is counted as stuck.
            if (!info.Exists || stuck.Find(file) is not null)
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

        return (count, oldest, stranded.Find().Count(), stuck.All().Count);
    }

    public void Dispose() => _scanGate.Dispose();
}
