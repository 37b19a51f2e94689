using PowerView.Api.Hosting.Security;
using Prometheus;

namespace PowerView.Api.Hosting.Metrics;

/// <summary>
/// A feature's gauges that are worth computing only when someone looks (queue length, waiting files): each
/// <c>AddX</c> registers its collector, and <c>/metrics</c> asks them all before answering.
/// </summary>
internal interface IMetricsCollector
{
    Task CollectAsync(CancellationToken cancellationToken);
}

/// <summary>
/// <c>GET /metrics</c> in the Prometheus text format, for the admin key or the metrics-only <c>PowerView:MetricsKey</c>
/// (only /alive, /health and the OpenAPI pages are anonymous; Prometheus sends it with <c>authorization: credentials</c>).
/// It is scraped per instance on the internal network, never through the proxy. The gauges are refreshed by the
/// request itself, so no timer or registry callback outlives the host.
/// </summary>
internal static class MetricsEndpoint
{
    public static IEndpointRouteBuilder MapMetrics(this IEndpointRouteBuilder app)
    {
        app.MapGet("/metrics", Scrape)
            .RequireAuthorization(ApiKeys.MetricsPolicy)
            .WithTags("Operations").WithName("Metrics")
            .WithSummary("Prometheus metrics (admin key or PowerView:MetricsKey)")
            .WithDescription("Runs by kind and status, points written, ingestion duration, job queue length, waiting files and the age of the oldest one, plus process and HTTP metrics.")
            .Produces<string>(StatusCodes.Status200OK, "text/plain")
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status403Forbidden);
        return app;
    }

    public static async Task Scrape(HttpContext context, IEnumerable<IMetricsCollector> collectors, CancellationToken cancellationToken)
    {
        foreach (var collector in collectors)
        {
            await collector.CollectAsync(cancellationToken);
        }

        context.Response.ContentType = "text/plain; version=0.0.4; charset=utf-8";
        await Prometheus.Metrics.DefaultRegistry.CollectAndExportAsTextAsync(context.Response.Body, cancellationToken);
    }
}
