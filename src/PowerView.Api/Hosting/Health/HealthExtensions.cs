using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using PowerView.Api.Configuration;

namespace PowerView.Api.Hosting.Health;

internal static class HealthExtensions
{
    /// <summary>
    /// <c>/health</c> and <c>/alive</c>, the free-disk check, and <c>Health</c> options. Each feature registers the
    /// check of what it depends on in its own <c>AddX</c> (the sink, the run store, the job storage, Grafana); every
    /// check that does not answer in <c>Health:TimeoutSeconds</c> counts as unhealthy.
    /// </summary>
    public static IHostApplicationBuilder AddHealth(this IHostApplicationBuilder builder)
    {
        builder.Services.AddValidatedOptions<HealthOptions, HealthOptionsValidation>(HealthOptions.SectionName);
        builder.Services.AddHealthChecks().AddCheck<DiskSpaceHealthCheck>("disk");
        builder.Services.AddOptions<HealthCheckServiceOptions>().PostConfigure<IOptions<HealthOptions>>((checks, health) =>
        {
            foreach (var registration in checks.Registrations)
            {
                registration.Timeout = TimeSpan.FromSeconds(health.Value.TimeoutSeconds);
            }
        });
        return builder;
    }

    /// <summary><c>/health</c>: JSON details, 200 when healthy or degraded, 503 when unhealthy. <c>/alive</c>: the process answers.</summary>
    public static IEndpointRouteBuilder MapHealth(this IEndpointRouteBuilder app)
    {
        app.MapGet("/health", HealthEndpoint.Check)
            .AllowAnonymous().WithTags("Operations").WithName("Health")
            .WithSummary("Readiness, with one entry per dependency")
            .WithDescription("InfluxDB (or the line-protocol folder), run store, job storage, Grafana when configured, and free disk. 200 when healthy or degraded, 503 when unhealthy (same body). "
                + "Anonymous: each check's name and status; with the admin key also its description, error and data.")
            .Produces<HealthAnswer>(StatusCodes.Status503ServiceUnavailable);
        app.MapGet("/alive", () => TypedResults.Text("Healthy"))
            .AllowAnonymous().WithTags("Operations").WithName("Alive")
            .WithSummary("Liveness: the process answers")
            .WithDescription("Checks no dependency: for container and proxy health checks.");
        return app;
    }
}
