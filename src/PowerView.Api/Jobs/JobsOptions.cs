using Microsoft.Extensions.Options;

namespace PowerView.Api.Jobs;

/// <summary>Section <c>Jobs</c>: Hangfire storage and workers.</summary>
internal sealed class JobsOptions
{
    public const string SectionName = "Jobs";

    /// <summary><c>InMemory</c> (one instance) or <c>PostgreSql</c> (several; <c>ConnectionStrings:Hangfire</c>).</summary>
    public string Storage { get; set; } = "InMemory";

    public bool IsPostgreSql => Storage.Equals("PostgreSql", StringComparison.OrdinalIgnoreCase);

    /// <summary>Hangfire workers; 0 = Hangfire's default (5 per core, at most 20).</summary>
    public int WorkerCount { get; set; }

    /// <summary>Linux niceness of the threads that ingest (1–19), so the hook's request threads come first when
    /// both want the CPU; 0 runs the ingestion at normal priority on the thread pool.</summary>
    public int IngestionNice { get; set; } = 10;

    /// <summary>Back-off between the tries of a job that failed for a transient reason (InfluxDB unreachable);
    /// one try per entry, then the job fails and the sweep takes the file again. Null = 60, 300, 900, 1800, 3600.</summary>
    public int[]? RetryDelaysSeconds { get; set; }

    public IReadOnlyList<int> RetryDelays => RetryDelaysSeconds is { Length: > 0 } d ? d : [60, 300, 900, 1800, 3600];

    /// <summary>
    /// PostgreSQL storage: how long a job an instance took stays invisible to the others after that instance's last sign
    /// of life. A live instance renews it every fifth of this (Hangfire.PostgreSql's sliding invisibility timeout), so a
    /// job may run longer; an instance that died (killed, power cut) leaves its running jobs to the others after this.
    /// Hangfire.PostgreSql's own default is 30 minutes without renewal.
    /// </summary>
    public int InvisibilityTimeoutSeconds { get; set; } = 300;

    /// <summary>PostgreSQL storage: how often an idle worker looks for a job it was not woken for (one queued by
    /// another instance, or given up by one that died).</summary>
    public int QueuePollIntervalSeconds { get; set; } = 15;

    /// <summary>
    /// The longest a job of an instance that died waits before another instance runs it again: it becomes visible after
    /// <see cref="InvisibilityTimeoutSeconds"/>, and an idle worker finds it at its next poll.
    /// </summary>
    public TimeSpan TakeOverBound => TimeSpan.FromSeconds(InvisibilityTimeoutSeconds + QueuePollIntervalSeconds);
}

internal sealed class JobsOptionsValidation(IConfiguration configuration) : IValidateOptions<JobsOptions>
{
    public ValidateOptionsResult Validate(string? name, JobsOptions o)
    {
        var errors = new List<string>();
        if (!o.Storage.Equals("InMemory", StringComparison.OrdinalIgnoreCase)
            && !o.Storage.Equals("PostgreSql", StringComparison.OrdinalIgnoreCase))
        {
            errors.Add($"Jobs:Storage must be InMemory or PostgreSql (got '{o.Storage}')");
        }

        if (o.Storage.Equals("PostgreSql", StringComparison.OrdinalIgnoreCase)
            && string.IsNullOrWhiteSpace(configuration.GetConnectionString("Hangfire")))
        {
            errors.Add("ConnectionStrings:Hangfire is required when Jobs:Storage is PostgreSql");
        }

        if (o.WorkerCount is < 0 or > 100)
        {
            errors.Add("Jobs:WorkerCount must be between 0 and 100");
        }

        if (o.IngestionNice is < 0 or > 19)
        {
            errors.Add("Jobs:IngestionNice must be between 0 (normal priority) and 19");
        }

        if (o.RetryDelaysSeconds is { } delays && delays.Any(d => d is < 1 or > 86_400))
        {
            errors.Add("Jobs:RetryDelaysSeconds must hold delays between 1 and 86400 seconds");
        }

        // Renewed every fifth of it: under 5 s the renewals would be more often than once a second.
        if (o.InvisibilityTimeoutSeconds is < 5 or > 86_400)
        {
            errors.Add("Jobs:InvisibilityTimeoutSeconds must be between 5 and 86400");
        }

        if (o.QueuePollIntervalSeconds is < 1 or > 3600)
        {
            errors.Add("Jobs:QueuePollIntervalSeconds must be between 1 and 3600");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
