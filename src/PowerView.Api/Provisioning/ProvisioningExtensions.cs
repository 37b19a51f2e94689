using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace PowerView.Api.Provisioning;

internal static class ProvisioningExtensions
{
    public const string GrafanaClientName = nameof(GrafanaClient);

    /// <summary>
    /// Grafana options (validated at start-up), the Grafana client with the standard resilience handler, the
    /// InfluxDB provisioner and the orchestrator. Expects <c>Influx</c> options and an <see cref="ICompanyApiKeys"/>
    /// to be registered (phase 2: the run store keeps the key hashes).
    /// </summary>
    public static IHostApplicationBuilder AddProvisioning(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<GrafanaOptions>().BindConfiguration(GrafanaOptions.SectionName).ValidateOnStart();
        services.AddSingleton<IValidateOptions<GrafanaOptions>, GrafanaOptionsValidation>();
        services.AddHttpClient<GrafanaClient>(GrafanaClientName)
            .ConfigureHttpClient((sp, http) =>
            {
                var options = sp.GetRequiredService<IOptions<GrafanaOptions>>().Value;
                if (options.Enabled)
                {
                    GrafanaClient.Configure(http, options);
                }
            })
            // Retries transient failures (5xx, 408, 429, network) of every call: each one is safe to repeat, since a
            // repeated create meets a conflict and reads again, and the rest are reads, upserts and replace-alls.
            .AddStandardResilienceHandler();
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<InfluxProvisioner>();
        services.AddSingleton<CompanyLocks>();
        // Transient like the typed client they use (IHttpClientFactory rotates its handlers); the lock is the process's.
        services.AddTransient<CompanyDatasources>();
        services.AddTransient<CompanyProvisioner>();
        return builder;
    }
}
