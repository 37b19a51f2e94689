using Microsoft.AspNetCore.Connections;
using Microsoft.Extensions.Options;
using PowerView.Api.Configuration;

namespace PowerView.Api.Hosting;

/// <summary>
/// A start-up that fails for a reason the operator must fix (a configuration key, a port in use, a folder it cannot
/// write) ends the process with one line on stderr naming it, and exit code 2: no stack trace, no crash code. Any
/// other exception is a bug and keeps its stack trace.
/// </summary>
internal static class StartupFailures
{
    /// <summary>The process exit code of a start-up refusal (and of a CLI usage error).</summary>
    public const int ExitCode = 2;

    /// <summary>The one-line explanation of a start-up refusal, or null when the exception is not one.</summary>
    public static string? Explain(Exception exception) => exception switch
    {
        OptionsValidationException invalid => "invalid configuration: " + string.Join("; ", invalid.Failures),
        StartupRefusedException refused => refused.Message,
        IOException { InnerException: AddressInUseException } inUse => $"cannot listen: {inUse.Message.TrimEnd('.')}; set another address with ASPNETCORE_URLS or --urls",
        AggregateException many when many.InnerExceptions.Count > 0 && many.InnerExceptions.All(e => Explain(e) is not null) =>
            string.Join("; ", many.InnerExceptions.Select(Explain)),
        _ => exception.InnerException is { } inner && exception is InvalidOperationException ? Explain(inner) : null,
    };

    /// <summary>
    /// Checks every option validated at start-up (<c>ValidateOnStart</c>) before anything starts, so a wrong key is
    /// reported before a hosted service opens a store or a port.
    /// </summary>
    public static void ValidateOptions(IServiceProvider services) => services.GetService<IStartupValidator>()?.Validate();

    /// <summary>
    /// Runs the web service; a refusal to start is one line and <see cref="ExitCode"/>. The line is a Fatal log event,
    /// which the console sink writes to stderr (and any configured sink keeps).
    /// </summary>
    public static async Task<int> RunAsync(WebApplication app, Action<WebApplication> pipeline)
    {
        // Taken now: a host that fails to start disposes its services before the exception gets here.
        var log = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("PowerView.Api");
        try
        {
            ValidateOptions(app.Services);
            pipeline(app);
            await app.RunAsync();
            return 0;
        }
        catch (Exception ex) when (Explain(ex) is { } line)
        {
            log.LogCritical("{Refusal}", line);
            return ExitCode;
        }
    }
}
