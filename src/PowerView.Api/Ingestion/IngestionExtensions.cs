using Microsoft.Extensions.Options;
using PowerView.Api.Configuration;
using PowerView.Api.Hosting.Metrics;
using PowerView.Api.Ingestion.Api;
using PowerView.Api.Ingestion.Sinks;

namespace PowerView.Api.Ingestion;

internal static class IngestionExtensions
{
    /// <summary>
    /// The ingestion engine: <c>Ingestion</c> options, the data layout, the sink (InfluxDB or files) and its health
    /// check, the pipeline and the meta-bucket points; in the web host also the waiting-files gauges of <c>/metrics</c>.
    /// Runs are recorded through the run history (<c>AddRuns</c>).
    /// </summary>
    public static IHostApplicationBuilder AddIngestion(this IHostApplicationBuilder builder)
    {
        // The zone rules' first use (NodaTime loading its embedded TZDB) costs tens of milliseconds, a visible part of a
        // short CLI process: it starts now on another core while the host is built, and the start-up validation of the
        // zones finds it done (or waits for it).
        _ = Task.Run(LocalTimeZones.Preload);
        var services = builder.Services;
        services.AddValidatedOptions<IngestionOptions, IngestionOptionsValidation>(IngestionOptions.SectionName);
        services.AddSingleton<LocalTimeZones>();
        services.AddSingleton<DataLayout>();
        services.AddSingleton<DataFileAccess>();
        services.AddSingleton<StuckFiles>();
        services.AddSingleton<DataRootScanner>();
        services.AddSingleton<StrandedFiles>();
        services.AddSingleton<FileSink>();
        services.AddSingleton<InfluxSink>();
        services.AddSingleton<ILineProtocolSink>(sp => sp.GetRequiredService<IOptions<InfluxOptions>>().Value.Enabled
            ? sp.GetRequiredService<InfluxSink>()
            : sp.GetRequiredService<FileSink>());
        services.AddSingleton<MetaPointWriter>();
        services.AddSingleton<IngestionPipeline>();
        services.AddHostedService<DataRootInitializer>();
        services.AddHealthChecks().AddCheck<SinkHealthCheck>("sink");
        if (builder.ServiceMode() == ServiceMode.Web)
        {
            services.AddSingleton<IMetricsCollector, WaitingFilesMetrics>();
        }

        return builder;
    }

    /// <summary><c>/api/files/stranded</c>.</summary>
    public static IEndpointRouteBuilder MapIngestion(this IEndpointRouteBuilder app) => app.MapFilesApi();

    /// <summary>
    /// Creates the data root (SFTPGo may not have made it yet) and says where everything is: which sink the points go to,
    /// with a warning in Production when it is the file sink (a forgotten Influx:Url would otherwise go unnoticed). The
    /// file sink's partial files of runs a killed process left are removed (their data files are ingested again in full).
    /// </summary>
    private sealed class DataRootInitializer(PowerViewPaths paths, ILineProtocolSink sink, IHostEnvironment environment, ILogger<DataRootInitializer> log) : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken)
        {
            Directory.CreateDirectory(paths.DataRoot);
            log.LogInformation("Data root {DataRoot}, state in {StateDir}, points to {Sink}", paths.DataRoot, paths.StateDir, sink.Description);
            if (sink is FileSink files)
            {
                if (environment.IsProduction())
                {
                    log.LogWarning("Influx:Url is empty: the points go to {Sink}, not to InfluxDB", sink.Description);
                }

                files.RemoveInterrupted();
            }

            return Task.CompletedTask;
        }

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
