using Microsoft.Extensions.Options;
using PowerView.Api.Configuration;
using PowerView.Api.Ingestion.Sinks;
using PowerView.Api.Runs;

namespace PowerView.Api.Ingestion;

internal static class IngestionExtensions
{
    /// <summary>The ingestion engine: layout, sink (InfluxDB or files), run store and recorder, pipeline.</summary>
    public static IHostApplicationBuilder AddIngestion(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddSingleton<DataLayout>();
        services.AddSingleton<FileSink>();
        services.AddSingleton<InfluxSink>();
        services.AddSingleton<ILineProtocolSink>(sp => sp.GetRequiredService<IOptions<InfluxOptions>>().Value.Enabled
            ? sp.GetRequiredService<InfluxSink>()
            : sp.GetRequiredService<FileSink>());
        services.AddSingleton<IRunStore, SqliteRunStore>();
        services.AddSingleton<RunRecorder>();
        services.AddSingleton<RunNotifications>();
        services.AddSingleton<IngestionPipeline>();
        services.AddHostedService<RunStoreInitializer>();
        return builder;
    }

    /// <summary>Creates the state folders and the run store schema before anything runs.</summary>
    private sealed class RunStoreInitializer(IRunStore store, PowerViewPaths paths, ILogger<RunStoreInitializer> log) : IHostedService
    {
        public async Task StartAsync(CancellationToken cancellationToken)
        {
            Directory.CreateDirectory(paths.StateDir);
            Directory.CreateDirectory(paths.DataRoot);
            await store.InitializeAsync(cancellationToken);
            log.LogInformation("Data root {DataRoot}, state in {StateDir}", paths.DataRoot, paths.StateDir);
        }

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
