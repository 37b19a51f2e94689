using Serilog;
using Serilog.AspNetCore;
using Serilog.Events;
using Serilog.Settings.Configuration;
using PowerView.Api.Configuration;

namespace PowerView.Api.Hosting;

internal static class LoggingExtensions
{
    // The sinks and formatters the "Serilog" section may name, listed instead of scanned: scanning every
    // assembly of the application for Serilog extensions costs a CLI verb a noticeable part of its start-up.
    private static readonly ConfigurationReaderOptions ReaderOptions = new(
        typeof(ConsoleLoggerConfigurationExtensions).Assembly,
        typeof(FileLoggerConfigurationExtensions).Assembly,
        typeof(Serilog.Formatting.Compact.CompactJsonFormatter).Assembly,
        typeof(LoggerConfiguration).Assembly);

    /// <summary>
    /// Serilog as the Serilog.AspNetCore sample wires it, levels from the <c>Serilog</c> section. No static
    /// bootstrap logger: it breaks when several test hosts start in one process ("logger is already frozen").
    /// The CLI logs to stderr so that stdout carries only its JSON summaries.
    /// </summary>
    public static IHostApplicationBuilder AddPowerViewLogging(this IHostApplicationBuilder builder, ServiceMode mode)
    {
        builder.Services.AddSerilog((services, lc) =>
        {
            // The defaults of appsettings.json, in code too: without them ASP.NET Core and HttpClient log every request
            // URL at Information, query strings included. The configuration may still lower or raise them.
            lc.MinimumLevel.Information()
                .MinimumLevel.Override("Microsoft.AspNetCore", LogEventLevel.Warning)
                .MinimumLevel.Override("Microsoft.Hosting.Lifetime", LogEventLevel.Information)
                .MinimumLevel.Override("System.Net.Http.HttpClient", LogEventLevel.Warning)
                .MinimumLevel.Override("Hangfire", LogEventLevel.Warning);
            lc.ReadFrom.Configuration(builder.Configuration, ReaderOptions)
                .ReadFrom.Services(services)
                .Enrich.FromLogContext()
                .Enrich.With<LogSafety.Enricher>()
                // A refusal to start is told once, in one line (StartupFailures), not again with a stack trace by the host.
                .Filter.ByExcluding(e => e.Exception is { } ex && e.MessageTemplate.Text == "Hosting failed to start" && StartupFailures.Explain(ex) is not null);
            if (!builder.Configuration.GetSection("Serilog:WriteTo").Exists())
            {
                // The CLI keeps stdout for its JSON summaries; the web service sends only a refusal to start (Fatal) to stderr.
                lc.WriteTo.Console(
                    new LogSafety.ConsoleFormatter("[{Timestamp:HH:mm:ss} {Level:u3}] {SourceContext}: {Message:lj}{NewLine}"),
                    standardErrorFromLevel: mode == ServiceMode.Cli ? LogEventLevel.Verbose : LogEventLevel.Fatal);
            }
        },
        // Each host keeps its own logger instead of replacing the static Log.Logger: with several hosts in one
        // process (the tests), a host's events would otherwise end up in whichever host started last.
        preserveStaticLogger: true);

        // UseSerilogRequestLogging() takes its options from here; without a logger it would use the static one.
        // The request event carries method, path (never the query string), status and time: no header, no secret.
        builder.Services.AddOptions<RequestLoggingOptions>().Configure<Serilog.ILogger>((o, logger) => o.Logger = logger);
        return builder;
    }
}
