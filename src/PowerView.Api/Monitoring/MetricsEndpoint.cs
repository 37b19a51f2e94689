using Prometheus;

namespace PowerView.Api.Monitoring;

/// <summary>
/// <c>GET /metrics</c> in the Prometheus text format, admin key required (the issue leaves only /alive,
/// /health and the OpenAPI pages anonymous; Prometheus sends it with <c>authorization: credentials</c>).
/// The gauges are refreshed by the request itself, so no timer or registry callback outlives the host.
/// </summary>
internal static class MetricsEndpoint
{
    public static RouteHandlerBuilder MapPrometheusMetrics(this IEndpointRouteBuilder app) =>
        app.MapGet("/metrics", Scrape)
            .RequireAuthorization(MonitoringAuth.AdminPolicy)
            .WithTags("Operations").WithName("Metrics")
            .WithSummary("Prometheus metrics (admin key)")
            .WithDescription("Runs by kind and status, points written, ingestion duration, job queue length, waiting files and the age of the oldest one, plus process and HTTP metrics.")
            .Produces<string>(StatusCodes.Status200OK, "text/plain")
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status403Forbidden);

    public static async Task Scrape(HttpContext context, OperationalMetrics metrics, CancellationToken cancellationToken)
    {
        await metrics.UpdateAsync(cancellationToken);
        context.Response.ContentType = "text/plain; version=0.0.4; charset=utf-8";
        await Metrics.DefaultRegistry.CollectAndExportAsTextAsync(context.Response.Body, cancellationToken);
    }
}
