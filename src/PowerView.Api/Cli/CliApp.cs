using System.CommandLine;
using PowerView.Api.Configuration;
using PowerView.Api.Hosting;
using PowerView.Api.Ingestion;
using PowerView.Api.Provisioning;
using PowerView.Api.Runs;

namespace PowerView.Api.Cli;

/// <summary>
/// The command-line verbs of the same executable: same configuration (appsettings.json, environment), same pipeline,
/// run synchronously. A first argument that is a word (not an option such as <c>--urls</c>, not a <c>Key=value</c>)
/// is a verb or a request for help: it never starts the web service. Exit codes: 0 all went well, 1 a file did not
/// succeed (or the health check failed), 2 a usage or configuration error (one line on stderr).
/// </summary>
internal static class CliApp
{
    private static readonly string[] HelpWords = ["help", "--help", "-h", "-?", "/?", "--version"];

    public static bool IsCommand(string[] args) =>
        args.Length > 0 && (HelpWords.Contains(args[0], StringComparer.Ordinal) || (!args[0].StartsWith('-') && !args[0].Contains('=', StringComparison.Ordinal)));

    public static async Task<int> RunAsync(string[] args)
    {
        var root = new RootCommand(
            "PowerView.Api: device files uploaded over SFTPGo into InfluxDB, and what happened to each one.\n"
            + "Without a verb the web service starts (its options: --urls, --environment, or any configuration key as --Section:Key value).")
        {
            IngestCommand.Create(BuildHost),
            SweepCommand.Create(BuildHost),
            ReprocessCommand.Create(BuildHost),
            ProvisionCommand.Create(() => BuildHost(provisioning: true)),
            HealthcheckCommand.Create(),
        };

        // "help" and "help <verb>" read as --help, the way operators type them.
        var words = args is ["help", .. var rest] ? [.. rest, "--help"] : args;
        var parse = root.Parse(words);
        if (parse.Errors.Count > 0)
        {
            foreach (var error in parse.Errors)
            {
                await Console.Error.WriteLineAsync("PowerView.Api: " + error.Message);
            }

            await Console.Error.WriteLineAsync("Run 'PowerView.Api --help' for the verbs and their options.");
            return StartupFailures.ExitCode;
        }

        return await parse.InvokeAsync();
    }

    /// <summary>
    /// A host with the run history and the engine (no web server, no job server), and the provisioning for the verb that
    /// needs it (the others do not pay for its options and store); validated and started; null when it refused (said on stderr).
    /// </summary>
    private static async Task<IHost?> BuildHost() => await BuildHost(provisioning: false);

    private static async Task<IHost?> BuildHost(bool provisioning)
    {
        var environment = Environment.GetEnvironmentVariable("ASPNETCORE_ENVIRONMENT")
            ?? Environment.GetEnvironmentVariable("DOTNET_ENVIRONMENT")
            ?? Environments.Production;
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings
        {
            Args = [],
            EnvironmentName = environment,
            ContentRootPath = ContentRoot.Choose([]) ?? Directory.GetCurrentDirectory(),
        });
        builder.AddPowerViewConfiguration(ServiceMode.Cli);
        builder.AddPowerViewLogging(ServiceMode.Cli);
        builder.AddRuns();
        builder.AddIngestion();
        if (provisioning)
        {
            builder.AddProvisioning();
        }

        var host = builder.Build();
        try
        {
            StartupFailures.ValidateOptions(host.Services);
            await host.StartAsync();
            return host;
        }
        catch (Exception ex) when (StartupFailures.Explain(ex) is { } line)
        {
            await Console.Error.WriteLineAsync("PowerView.Api: " + line);
            host.Dispose();
            return null;
        }
    }
}
