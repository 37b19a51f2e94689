using Hangfire;
using Hangfire.AspNetCore;
using Hangfire.Common;
using Hangfire.InMemory;
using Hangfire.PostgreSql;
using Hangfire.PostgreSql.Factories;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.Extensions.Options;
using Npgsql;
using PowerView.Api.Configuration;
using PowerView.Api.Hosting.Metrics;

namespace PowerView.Api.Jobs;

internal static class JobsExtensions
{
    /// <summary>
    /// Hangfire: <c>Jobs</c> options, storage per <c>Jobs:Storage</c>, one server per queue, the jobs, the file and
    /// provisioning claims, the sweep and the provisioning reconcile, the job storage's health check, the queue gauges of <c>/metrics</c>.
    /// Storage, activator and filters are this host's own services, never Hangfire's statics
    /// (<c>JobStorage.Current</c>, <c>JobActivator.Current</c>), so several hosts can share a process.
    /// </summary>
    public static IHostApplicationBuilder AddJobs(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddValidatedOptions<JobsOptions, JobsOptionsValidation>(JobsOptions.SectionName);
        services.AddSingleton(CreateStorage);
        services.AddSingleton<JobActivator>(sp => new AspNetCoreJobActivator(sp.GetRequiredService<IServiceScopeFactory>()));
        services.AddSingleton<IJobFilterProvider>(sp => new JobFilters(
            sp.GetRequiredService<IOptions<JobsOptions>>().Value.RetryDelays, sp.GetServices<Hangfire.States.IApplyStateFilter>()));
        services.AddHangfire((sp, config) => config
            .SetDataCompatibilityLevel(CompatibilityLevel.Version_180)
            .UseSimpleAssemblyNameTypeSerializer()
            .UseRecommendedSerializerSettings()
            .UseLogProvider(new HangfireLogProvider(sp.GetRequiredService<ILoggerFactory>())));

        services.AddHangfireServer((sp, server) =>
        {
            var jobs = sp.GetRequiredService<IOptions<JobsOptions>>().Value;
            Configure(server, jobs, JobQueues.Ingest, jobs.WorkerCount > 0 ? jobs.WorkerCount : Math.Min(Environment.ProcessorCount * 5, 20));
        });
        services.AddHangfireServer((sp, server) =>
            Configure(server, sp.GetRequiredService<IOptions<JobsOptions>>().Value, JobQueues.Provision, 2));

        // The ingestion itself runs below the request threads' priority (Jobs:IngestionNice): the hook stays fast during a backlog.
        services.AddSingleton(sp => new BackgroundPriority(
            sp.GetRequiredService<IOptions<JobsOptions>>().Value.IngestionNice, Environment.ProcessorCount));
        services.AddTransient<IngestFileJob>();
        services.AddTransient<ProvisionJob>();
        services.AddTransient<ProvisionReconcileJob>();
        services.AddSingleton<FileClaims>();
        services.AddSingleton<ProvisionClaims>();
        services.AddSingleton<FirstUploadTrigger>();
        services.AddHostedService<ProvisionReconcileSchedule>();
        services.AddSingleton<Sweeper>();
        services.AddHostedService<SweepService>();
        services.AddSingleton<JobQueueProbe>();
        services.AddSingleton<IMetricsCollector, JobMetrics>();
        services.AddHealthChecks().AddCheck<JobStorageHealthCheck>("jobStorage");

        // The dashboard is used from a browser with Basic credentials, which the browser sends by itself:
        // its POST actions (retry, delete) must carry an antiforgery token, which Hangfire checks when this is registered.
        services.AddAntiforgery();
        // Several instances (PostgreSQL storage) read each other's tokens: one key ring, in the storage's database, and
        // one application name (by default it is the content root's path, which instances need not share).
        services.AddDataProtection();
        services.AddOptions<DataProtectionOptions>().Configure<IOptions<JobsOptions>>((o, jobs) =>
        {
            if (jobs.Value.IsPostgreSql)
            {
                o.ApplicationDiscriminator = "PowerView.Api";
            }
        });
        services.AddOptions<KeyManagementOptions>().Configure<IOptions<JobsOptions>, IConfiguration>((o, jobs, configuration) =>
        {
            if (jobs.Value.IsPostgreSql)
            {
                o.XmlRepository = new SharedKeyRing(configuration.GetConnectionString("Hangfire")!);
            }
        });
        return builder;
    }

    /// <summary><c>/hangfire</c>, behind the AdminKey (see <see cref="DashboardAuthorization"/>).</summary>
    public static IEndpointRouteBuilder MapJobsDashboard(this IEndpointRouteBuilder app)
    {
        app.MapHangfireDashboard("/hangfire", new DashboardOptions
        {
            Authorization = [],
            AsyncAuthorization = [new DashboardAuthorization(app.ServiceProvider.GetRequiredService<IOptions<PowerViewOptions>>())],
            DashboardTitle = "PowerView jobs",
            // The PostgreSQL connection string holds a password.
            DisplayStorageConnectionString = false,
        });
        return app;
    }

    private static void Configure(BackgroundJobServerOptions server, JobsOptions jobs, string queue, int workers)
    {
        server.ServerName = $"{Environment.MachineName}:{queue}";
        server.Queues = [queue];
        server.WorkerCount = workers;
        // Retries are scheduled jobs: poll for them at least as often as the shortest back-off.
        server.SchedulePollingInterval = TimeSpan.FromSeconds(Math.Clamp(jobs.RetryDelays.Min(), 1, 15));
        server.ShutdownTimeout = TimeSpan.FromSeconds(10);
    }

    private static JobStorage CreateStorage(IServiceProvider sp)
    {
        var jobs = sp.GetRequiredService<IOptions<JobsOptions>>().Value;
        if (jobs.IsPostgreSql)
        {
            var connectionString = PostgreSqlConnectionStrings.WithServiceDefaults(sp.GetRequiredService<IConfiguration>().GetConnectionString("Hangfire")!).ConnectionString;
            var options = new PostgreSqlStorageOptions
            {
                PrepareSchemaIfNecessary = true,
                // The bound on taking over the jobs of an instance that died is ours to set (Jobs:InvisibilityTimeoutSeconds,
                // Jobs:QueuePollIntervalSeconds): with the sliding timeout a live instance renews the jobs it runs, so
                // the timeout can be minutes instead of Hangfire.PostgreSql's 30 (meant to outlast any job), and the file
                // claims, which count a processing job as alive, are freed as soon.
                UseSlidingInvisibilityTimeout = true,
                InvisibilityTimeout = TimeSpan.FromSeconds(jobs.InvisibilityTimeoutSeconds),
                QueuePollInterval = TimeSpan.FromSeconds(jobs.QueuePollIntervalSeconds),
            };
            using var installing = TakeSchemaInstallLock(connectionString);
            return new PostgreSqlStorage(new NpgsqlConnectionFactory(connectionString, options), options);
        }

        return new InMemoryStorage(new InMemoryStorageOptions());
    }

    /// <summary>
    /// Hangfire.PostgreSql installs or upgrades its schema when the storage is created. Instances starting together
    /// on an empty database would all run its scripts at once: all but one fail on the first and log an error
    /// (<c>duplicate key … pg_namespace_nspname_index</c>), then try the next scripts while the first instance is
    /// still installing. This session advisory lock makes them take turns: the first installs, the others find
    /// every version applied.
    /// </summary>
    private static NpgsqlConnection TakeSchemaInstallLock(string connectionString)
    {
        // Not pooled: closing it ends the session, and the lock with it (a pooled connection would keep it while idle).
        var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(connectionString) { Pooling = false }.ConnectionString);
        try
        {
            connection.Open();
            using var command = new NpgsqlCommand("SELECT pg_advisory_lock(hashtext('powerview:hangfire-schema'))", connection) { CommandTimeout = 120 };
            command.ExecuteNonQuery();
            return connection;
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }
}
