using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using PowerView.Api.Configuration;
using PowerView.Api.Ingestion;
using PowerView.Api.Runs;
using PowerView.Api.Runs.Storage;

namespace PowerView.Api.Tests.Infrastructure;

/// <summary>
/// The ingestion engine as the CLI builds it (run history and ingestion, no web server, no jobs), on a test's own
/// folders. Settings go in memory; by default the points land in the file sink under the test's state folder.
/// </summary>
internal sealed class EngineHost : IAsyncDisposable
{
    private readonly IHost _host;

    private EngineHost(IHost host, TempFolder folder)
    {
        _host = host;
        Folder = folder;
    }

    public TempFolder Folder { get; }

    public IServiceProvider Services => _host.Services;

    public IngestionPipeline Pipeline => Services.GetRequiredService<IngestionPipeline>();

    public IRunStore Store => Services.GetRequiredService<IRunStore>();

    public static async Task<EngineHost> StartAsync(TempFolder folder, IDictionary<string, string?>? settings = null, Action<IServiceCollection>? services = null)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings
        {
            Args = [],
            EnvironmentName = "Testing",
            ContentRootPath = folder.Root,
            DisableDefaults = true,
        });
        var values = new Dictionary<string, string?>
        {
            ["PowerView:DataRoot"] = folder.DataRoot,
            ["PowerView:StateDir"] = folder.StateDir,
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            values[key] = value;
        }

        builder.Configuration.AddInMemoryCollection(values);
        builder.AddPowerViewConfiguration(ServiceMode.Cli);
        builder.AddRuns();
        builder.AddIngestion();
        services?.Invoke(builder.Services);
        var host = builder.Build();
        await host.StartAsync();
        return new EngineHost(host, folder);
    }

    /// <summary>Ingests a file and returns its run (fails the test when there was none).</summary>
    public async Task<RunRecord> IngestAsync(string path, RunTrigger trigger = RunTrigger.Cli)
    {
        var outcome = await Pipeline.IngestAsync(path, trigger, TestContext.Current.CancellationToken);
        Assert.True(outcome.Run is not null, $"no run: {outcome.Kind} {outcome.Problem}");
        return outcome.Run!;
    }

    /// <summary>All line-protocol lines the file sink received for a bucket.</summary>
    public IReadOnlyList<string> SinkLines(string bucket)
    {
        var folder = Path.Combine(Folder.StateDir, "lineprotocol", bucket);
        return Directory.Exists(folder)
            ? Directory.EnumerateFiles(folder, "*.lp").Order(StringComparer.Ordinal)
                .SelectMany(File.ReadAllLines).Where(l => l.Length > 0).ToList()
            : [];
    }

    public async ValueTask DisposeAsync()
    {
        await _host.StopAsync();
        _host.Dispose();
    }
}
