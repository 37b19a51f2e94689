using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using PowerView.Api.Runs.Retention;
using Serilog.Core;

namespace PowerView.Api.Tests.Infrastructure;

/// <summary>
/// The service in-process, one per test (TodoApi style): its own data root and state folder, secrets
/// and settings in memory (the top-level appsettings.json is not read), environment "Testing". The runs it records
/// (<see cref="Runs"/>) and the events it logs (<see cref="Logs"/>) are seen by the test as they happen.
/// </summary>
public sealed class PowerViewApplication(TempFolder folder, IDictionary<string, string?>? settings = null) : WebApplicationFactory<Program>
{
    public const string HookSecret = "test-hook-secret-0123456789abcdef0123";
    public const string AdminKey = "test-admin-key-0123456789abcdef01234";
    public const string Company1Key = "test-company1-key-0123456789abcdef0123";
    public const string MetricsKey = "test-metrics-key-0123456789abcdef0123";

    public TempFolder Folder => folder;

    public RecordedRuns Runs { get; } = new();

    public LogEvents Logs { get; } = new();

    /// <summary>Starts the service, which must refuse to: the one line it gave instead (its Fatal log event).</summary>
    public string StartupRefusal()
    {
        // The entry point gives up before the server starts: the factory then has no server to hand out.
        Assert.ThrowsAny<InvalidOperationException>(() => CreateClient());
        return LogEvents.Scalar<string>(Assert.Single(Logs.All, e => e.Level == Serilog.Events.LogEventLevel.Fatal), "Refusal");
    }

    /// <summary>Replaces services after the app registered its own (a clock, a log sink, a job filter).</summary>
    public Action<IServiceCollection>? TestServices { get; init; }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Testing");
        builder.ConfigureAppConfiguration((_, config) =>
        {
            var values = new Dictionary<string, string?>
            {
                ["PowerView:DataRoot"] = folder.DataRoot,
                ["PowerView:StateDir"] = folder.StateDir,
                ["PowerView:HookSecret"] = HookSecret,
                ["PowerView:AdminKey"] = AdminKey,
                ["PowerView:CompanyKeys:company1"] = Company1Key,
                ["PowerView:MetricsKey"] = MetricsKey,
                ["Ingestion:SweepIntervalSeconds"] = "3600",
                // The start-up sweep takes nothing unless a test asks for it (Ingestion:SettleSeconds): tests that
                // place files and then call the pipeline or the hook themselves must not race a sweep job.
                ["Ingestion:SettleSeconds"] = "1000000000",
                ["Ingestion:IncompleteGraceSeconds"] = "1000000000",
                ["Serilog:MinimumLevel:Default"] = "Warning",
                // Their summaries are what tests wait for (LogEvents): logged at Debug when nothing happened.
                ["Serilog:MinimumLevel:Override:PowerView.Api.Jobs.Sweeper"] = "Debug",
                ["Serilog:MinimumLevel:Override:PowerView.Api.Runs.Retention.RunRetention"] = "Debug",
                // Tests record runs at fixed dates (RunsApi.T0): a start-up purge would delete them once
                // those dates are a year old. The retention tests turn it on against a fake clock.
                ["Runs:RetentionDays"] = "0",
                // A health check that misses its timeout reports Unhealthy: on a loaded machine the first checks of a
                // fresh host (SQLite opened, code jitted) must not be judged by the 5 s meant for a live service.
                ["Health:TimeoutSeconds"] = "60",
                // Tests send many requests from one (absent) address: the limits are tried by the tests that set them.
                ["RateLimits:FailedAuthenticationsPerMinute"] = "0",
                ["RateLimits:ApiPerSecond"] = "0",
                ["RateLimits:HookPerSecond"] = "0",
            };
            // A null value removes a default of the factory: the service's own default applies.
            foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
            {
                if (value is null)
                {
                    values.Remove(key);
                }
                else
                {
                    values[key] = value;
                }
            }

            config.AddInMemoryCollection(values);
        });
        builder.ConfigureTestServices(services =>
        {
            Runs.Register(services);
            services.AddSingleton<ILogEventSink>(Logs);
            TestServices?.Invoke(services);
        });
    }
}
