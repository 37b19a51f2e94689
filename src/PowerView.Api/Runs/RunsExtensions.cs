using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.OpenApi;
using Microsoft.Extensions.Options;
using PowerView.Api.Configuration;
using PowerView.Api.Hosting;
using PowerView.Api.Runs.Contracts;
using PowerView.Api.Runs.Api;
using PowerView.Api.Runs.Retention;
using PowerView.Api.Runs.Storage;

namespace PowerView.Api.Runs;

internal static class RunsExtensions
{
    /// <summary>
    /// The run history: <c>Runs</c> options, the store (its schema migrated before anything runs), the recorder every
    /// feature records its runs with, the store's health check, and in the web host the run metrics and the retention.
    /// </summary>
    public static IHostApplicationBuilder AddRuns(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddValidatedOptions<RunsOptions, RunsOptionsValidation>(RunsOptions.SectionName);
        // Embedded SQLite by default; PostgreSQL when several instances share one history (Runs:Storage).
        services.AddSingleton<IRunStore>(sp => sp.GetRequiredService<IOptions<RunsOptions>>().Value.IsPostgreSql
            ? ActivatorUtilities.CreateInstance<PostgreSqlRunStore>(sp)
            : ActivatorUtilities.CreateInstance<SqliteRunStore>(sp));
        services.AddSingleton<RunRecorder>();
        services.AddSingleton<SingleRunner>();
        services.AddHostedService<RunStoreInitializer>();
        services.AddHealthChecks().AddCheck<RunStoreHealthCheck>("runStore");
        services.ConfigureOpenApi(openApi => openApi
            .AddExample(ContractExamples.Summary)
            .AddExample(ContractExamples.Detail)
            .AddExample(ContractExamples.Campaign)
            .AddExample(ContractExamples.CampaignWithDevices)
            .AddExample(ContractExamples.Day)
            .AddOperationTransformer((operation, _, _) =>
            {
                // The filter reads "limit" as text (to name it in its 400); the document says what it takes.
                if (operation.Parameters?.FirstOrDefault(p => p.Name == "limit") is OpenApiParameter { Schema: OpenApiSchema schema })
                {
                    schema.Type = JsonSchemaType.Integer;
                    schema.Format = "int32";
                    schema.Minimum = "1";
                    schema.Maximum = RunQuery.MaxLimit.ToString(System.Globalization.CultureInfo.InvariantCulture);
                    schema.Default = System.Text.Json.Nodes.JsonValue.Create(RunQuery.DefaultLimit);
                }

                return Task.CompletedTask;
            }));
        if (builder.ServiceMode() == ServiceMode.Web)
        {
            services.AddSingleton<RunMetrics>();
            // The history behind the API is kept Runs:RetentionDays; the CLI verbs never purge.
            services.AddSingleton<RunRetention>();
            services.AddHostedService<RunRetentionService>();
        }

        return builder;
    }

    /// <summary><c>/api/runs</c>, <c>/api/runs/{id}</c>, <c>/api/errors</c>, <c>/api/campaigns…</c>, <c>/api/stats/daily</c>.</summary>
    public static IEndpointRouteBuilder MapRuns(this IEndpointRouteBuilder app)
    {
        app.MapRunsApi();
        return app;
    }

    /// <summary>Creates the state folder and migrates the run store before the first run can be recorded.</summary>
    private sealed class RunStoreInitializer(IRunStore store, PowerViewPaths paths) : IHostedService
    {
        public async Task StartAsync(CancellationToken cancellationToken)
        {
            Directory.CreateDirectory(paths.StateDir);
            await store.InitializeAsync(cancellationToken);
        }

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }

    /// <summary>The run store answers a query.</summary>
    private sealed class RunStoreHealthCheck(IRunStore store) : IHealthCheck
    {
        public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
        {
            try
            {
                return await store.PingAsync(cancellationToken)
                    ? HealthCheckResult.Healthy("run store answers")
                    : HealthCheckResult.Unhealthy("run store gave an unexpected answer");
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                return HealthCheckResult.Unhealthy("run store unavailable: " + ex.Message);
            }
        }
    }
}
