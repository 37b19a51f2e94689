using Prometheus;

namespace PowerView.Api.Runs;

/// <summary>
/// Prometheus metrics of every recorded run (ingestion and provisioning), served at <c>/metrics</c>.
/// Registered by the web host only: a CLI process would pay for the metrics registry and never be scraped.
/// </summary>
internal sealed class RunMetrics
{
    private readonly Counter _runs = Metrics.CreateCounter(
        "powerview_runs_total", "Finished runs by kind and status.", "kind", "status");

    private readonly Counter _points = Metrics.CreateCounter(
        "powerview_points_written_total", "Points written to the sink by ingestion runs.");

    private readonly Histogram _duration = Metrics.CreateHistogram(
        "powerview_ingest_duration_seconds", "Duration of ingestion runs.",
        new HistogramConfiguration { Buckets = Histogram.ExponentialBuckets(0.005, 2, 14) });

    public void Observe(RunRecord run)
    {
        _runs.WithLabels(run.Kind.Wire(), run.Status.Wire()).Inc();
        if (run.Kind == RunKind.Ingest)
        {
            _points.Inc(run.Counters.PointsWritten);
            _duration.Observe(run.DurationMs / 1000.0);
        }
    }
}
