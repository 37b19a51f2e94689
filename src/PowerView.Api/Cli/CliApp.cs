using System.CommandLine;
using Microsoft.Extensions.Options;
using PowerView.Api.Configuration;
using PowerView.Api.Hosting;
using PowerView.Api.Ingestion;
using PowerView.Api.Runs;

namespace PowerView.Api.Cli;

/// <summary>
/// The command-line verbs of the same executable: same configuration (appsettings.json, environment),
/// same pipeline, run synchronously. <c>PowerView.Api ingest &lt;file.tsv&gt;...</c> prints one JSON summary
/// per file on stdout (logs go to stderr) and exits 1 when any file did not succeed.
/// </summary>
internal static class CliApp
{
    private static readonly string[] Verbs = ["ingest", "sweep", "reprocess"];

    public static bool IsCommand(string[] args) => args.Length > 0 && Verbs.Contains(args[0], StringComparer.Ordinal);

    public static async Task<int> RunAsync(string[] args)
    {
        var root = new RootCommand("PowerView.Api command-line verbs (without a verb the web service starts).");
        root.Subcommands.Add(IngestCommand.Create(BuildHost));
        root.Subcommands.Add(SweepCommand.Create(BuildHost));
        root.Subcommands.Add(ReprocessCommand.Create(BuildHost));
        return await root.Parse(args).InvokeAsync();
    }

    /// <summary>A host with the engine's services only (no web server, no job server), validated and started.</summary>
    private static async Task<IHost?> BuildHost()
    {
        var environment = Environment.GetEnvironmentVariable("ASPNETCORE_ENVIRONMENT")
            ?? Environment.GetEnvironmentVariable("DOTNET_ENVIRONMENT")
            ?? Environments.Production;
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings
        {
            Args = [],
            EnvironmentName = environment,
            ContentRootPath = Directory.GetCurrentDirectory(),
        });
        builder.AddPowerViewConfiguration(ServiceMode.Cli);
        builder.AddPowerViewLogging(ServiceMode.Cli);
        builder.AddRuns();
        builder.AddIngestion();
        var host = builder.Build();
        try
        {
            await host.StartAsync();
            return host;
        }
        catch (OptionsValidationException ex)
        {
            await Console.Error.WriteLineAsync("Invalid configuration: " + string.Join("; ", ex.Failures));
            host.Dispose();
            return null;
        }
    }
}
