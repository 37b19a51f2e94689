using Prometheus;
using PowerView.Api.Runs;

namespace PowerView.Api.Ingestion;

/// <summary>
/// Prometheus metrics of every recorded run (ingestion and provisioning), served at <c>/metrics</c>.
/// Registered by the web host only: a CLI process would pay for the metrics registry and never be scraped.
/// </summary>
internal sealed class IngestionMetrics
{
    private readonly Counter _runs = Metrics.CreateCounter(
        "powerview_runs_total", "Finished runs by kind and status.", "kind", "status");

    private readonly Counter _points = Metrics.CreateCounter(
        "powerview_points_written_total", "Points written to the sink by ingestion runs.");

    private readonly Histogram _duration = Metrics.CreateHistogram(
        "powerview_ingest_duration_seconds", "Duration of ingestion runs.",
        new HistogramConfiguration { Buckets = Histogram.ExponentialBuckets(0.005, 2, 14) });

    public void Observe(RunReport report)
    {
        _runs.WithLabels(report.Kind, report.Status).Inc();
        if (report.Kind == RunKind.Ingest)
        {
            _points.Inc(report.PointsWritten);
            _duration.Observe(report.DurationMs / 1000.0);
        }
    }
}
