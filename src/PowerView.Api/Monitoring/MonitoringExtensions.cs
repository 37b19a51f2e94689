using Microsoft.AspNetCore.Authentication;
using PowerView.Api.Runs;

using PowerView.Api.Ingestion;

namespace PowerView.Api.Monitoring;

internal static class MonitoringExtensions
{
    /// <summary>The API-key scheme, the two policies, the JSON shape of the answers, the operational gauges and the history's retention.</summary>
    public static IHostApplicationBuilder AddMonitoring(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        // Same shape as the run reports on disk: camelCase, ISO-8601 UTC with Z, nulls written.
        services.ConfigureHttpJsonOptions(o => RunJson.Configure(o.SerializerOptions));

        // No default scheme: the policies name theirs, so the key is only read where a policy asks for it and
        // other features (the hook secret, the Hangfire dashboard) see an anonymous request. With a single
        // scheme registered ASP.NET Core would otherwise make it the default and authenticate every request.
        AppContext.SetSwitch("Microsoft.AspNetCore.Authentication.SuppressAutoDefaultScheme", true);
        services.AddAuthentication()
            .AddScheme<AuthenticationSchemeOptions, ApiKeyAuthenticationHandler>(MonitoringAuth.Scheme, null);
        services.AddAuthorizationBuilder()
            .AddPolicy(MonitoringAuth.ReaderPolicy, policy => policy
                .AddAuthenticationSchemes(MonitoringAuth.Scheme)
                .RequireAssertion(c => c.User.IsInRole(MonitoringAuth.AdminRole) || c.User.HasClaim(x => x.Type == MonitoringAuth.CompanyClaim)))
            .AddPolicy(MonitoringAuth.AdminPolicy, policy => policy
                .AddAuthenticationSchemes(MonitoringAuth.Scheme)
                .RequireRole(MonitoringAuth.AdminRole));

        services.AddSingleton<JobQueueProbe>();
        services.AddSingleton<OperationalMetrics>();
        services.AddSingleton<IngestionMetrics>();

        // The history behind these endpoints is kept Runs:RetentionDays; the CLI verbs never purge.
        services.AddSingleton<RunRetention>();
        services.AddHostedService<RunRetentionService>();
        return builder;
    }

    /// <summary>Authentication and authorization, then the monitoring routes and <c>/metrics</c>.</summary>
    public static WebApplication MapMonitoring(this WebApplication app)
    {
        app.UseAuthentication();
        app.UseAuthorization();
        MonitoringEndpoints.MapMonitoring(app);
        app.MapPrometheusMetrics();
        return app;
    }
}
