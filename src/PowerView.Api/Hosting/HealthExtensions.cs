using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using PowerView.Api.Configuration;
using PowerView.Api.Hosting.Health;

namespace PowerView.Api.Hosting;

internal static class HealthExtensions
{
    /// <summary>
    /// Readiness checks behind <c>/health</c>: the sink (InfluxDB or line-protocol files), the run store, the
    /// job storage, Grafana when configured, and free disk. A check that does not answer in
    /// <c>Health:TimeoutSeconds</c> counts as unhealthy.
    /// </summary>
    public static IHostApplicationBuilder AddHealth(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<HealthOptions>().BindConfiguration(HealthOptions.SectionName).ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<HealthOptions>, HealthOptionsValidation>();
        builder.Services.AddHttpClient(GrafanaHealthCheck.ClientName);

        var timeout = TimeSpan.FromSeconds(Math.Max(1, builder.Configuration.GetValue($"{HealthOptions.SectionName}:TimeoutSeconds", 5)));
        builder.Services.AddHealthChecks()
            .AddCheck<SinkHealthCheck>("sink", timeout: timeout)
            .AddCheck<RunStoreHealthCheck>("runStore", timeout: timeout)
            .AddCheck<JobStorageHealthCheck>("jobStorage", timeout: timeout)
            .AddCheck<GrafanaHealthCheck>("grafana", timeout: timeout)
            .AddCheck<DiskSpaceHealthCheck>("disk", timeout: timeout);
        return builder;
    }

    /// <summary><c>/health</c>: JSON details, 200 when healthy or degraded, 503 when unhealthy. <c>/alive</c>: the process answers.</summary>
    public static WebApplication MapHealth(this WebApplication app)
    {
        app.MapGet("/health", HealthEndpoint.Check)
            .AllowAnonymous().WithTags("Operations").WithName("Health")
            .WithSummary("Readiness, with one entry per dependency")
            .WithDescription("InfluxDB (or the line-protocol folder), run store, job storage, Grafana when configured, and free disk. 200 when healthy or degraded, 503 when unhealthy (same body).")
            .Produces<HealthAnswer>(StatusCodes.Status503ServiceUnavailable);
        app.MapGet("/alive", () => TypedResults.Text("Healthy"))
            .AllowAnonymous().WithTags("Operations").WithName("Alive")
            .WithSummary("Liveness: the process answers")
            .WithDescription("Checks no dependency: for container and proxy health checks.");
        return app;
    }
}
