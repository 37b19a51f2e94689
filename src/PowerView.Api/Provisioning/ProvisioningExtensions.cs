using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using PowerView.Api.Configuration;
using PowerView.Api.Hosting;
using PowerView.Api.Hosting.Security;
using PowerView.Api.Provisioning.Api;
using PowerView.Api.Provisioning.Contracts;
using PowerView.Api.Provisioning.Storage;

namespace PowerView.Api.Provisioning;

internal static class ProvisioningExtensions
{
    public const string GrafanaClientName = nameof(GrafanaClient);

    /// <summary>
    /// Grafana options (validated at start-up), the Grafana client with the standard resilience handler, the InfluxDB
    /// provisioner, the orchestrator and the run of it the job and the CLI share; the provisioning store (SQLite under
    /// the state folder, or PostgreSQL with the run store: <c>Runs:Storage</c>) migrated before anything runs, the
    /// company keys it keeps for the provisioner and for the API's key handler, the store's and Grafana's health
    /// checks, and in the web host the company API's examples. Expects the <c>PowerView</c> and <c>Influx</c> options,
    /// the run history and the ingestion's zones to be registered (<c>AddPowerViewConfiguration</c>, <c>AddRuns</c>,
    /// <c>AddIngestion</c>).
    /// </summary>
    public static IHostApplicationBuilder AddProvisioning(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddValidatedOptions<GrafanaOptions, GrafanaOptionsValidation>(GrafanaOptions.SectionName);
        services.AddOptions<ProvisioningStorageOptions>()
            .Configure<IConfiguration>((o, configuration) =>
            {
                o.Storage = configuration[ProvisioningStorageOptions.StorageKey] is { Length: > 0 } storage ? storage : o.Storage;
                o.ConnectionString = configuration.GetConnectionString(ProvisioningStorageOptions.ConnectionStringName);
            });
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
        services.AddTransient<ProvisioningRunner>();

        services.AddSingleton<IProvisioningStore>(sp => sp.GetRequiredService<IOptions<ProvisioningStorageOptions>>().Value.IsPostgreSql
            ? ActivatorUtilities.CreateInstance<PostgreSqlProvisioningStore>(sp)
            : ActivatorUtilities.CreateInstance<SqliteProvisioningStore>(sp));
        services.AddHostedService<ProvisioningStoreInitializer>();
        services.AddSingleton<ProvisionedCompanies>();
        services.AddSingleton<CompanyKeyStore>();
        services.AddSingleton<ICompanyApiKeys>(sp => sp.GetRequiredService<CompanyKeyStore>());
        services.AddSingleton<ICompanyKeyDirectory>(sp => sp.GetRequiredService<CompanyKeyStore>());

        services.AddHttpClient(GrafanaHealthCheck.ClientName);
        services.AddHealthChecks()
            .AddCheck<GrafanaHealthCheck>("grafana")
            .AddCheck<ProvisioningStoreHealthCheck>("provisioningStore");
        if (builder.ServiceMode() == ServiceMode.Web)
        {
            services.ConfigureOpenApi(openApi => openApi
                .AddExample(CompanyExamples.Company)
                .AddExample(CompanyExamples.UserRequest)
                .AddExample(CompanyExamples.UserAnswer)
                .AddExample(CompanyExamples.User));
        }

        return builder;
    }

    /// <summary><c>/api/companies…</c>: what is provisioned per company, and its Grafana users.</summary>
    public static IEndpointRouteBuilder MapProvisioning(this IEndpointRouteBuilder app)
    {
        app.MapCompaniesApi();
        return app;
    }

    /// <summary>Creates the state folder and migrates the provisioning store before the first provisioning can be remembered.</summary>
    private sealed class ProvisioningStoreInitializer(IProvisioningStore store, PowerViewPaths paths) : IHostedService
    {
        public async Task StartAsync(CancellationToken cancellationToken)
        {
            Directory.CreateDirectory(paths.StateDir);
            await store.InitializeAsync(cancellationToken);
        }

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }

    /// <summary>The provisioning store answers a query.</summary>
    private sealed class ProvisioningStoreHealthCheck(IProvisioningStore store) : IHealthCheck
    {
        public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
        {
            try
            {
                return await store.PingAsync(cancellationToken)
                    ? HealthCheckResult.Healthy("provisioning store answers")
                    : HealthCheckResult.Unhealthy("provisioning store gave an unexpected answer");
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                return HealthCheckResult.Unhealthy("provisioning store unavailable: " + ex.Message);
            }
        }
    }
}
