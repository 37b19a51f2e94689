using Microsoft.Extensions.Options;

namespace PowerView.Api.Jobs;

/// <summary>Section <c>Jobs</c>: Hangfire storage and workers.</summary>
internal sealed class JobsOptions
{
    public const string SectionName = "Jobs";

    /// <summary><c>InMemory</c> (one instance) or <c>PostgreSql</c> (several; <c>ConnectionStrings:Hangfire</c>).</summary>
    public string Storage { get; set; } = "InMemory";

    /// <summary>Hangfire workers; 0 = Hangfire's default (5 per core, at most 20).</summary>
    public int WorkerCount { get; set; }

    /// <summary>Linux niceness of the threads that ingest (1–19), so the hook's request threads come first when
    /// both want the CPU; 0 runs the ingestion at normal priority on the thread pool.</summary>
    public int IngestionNice { get; set; } = 10;

    /// <summary>Back-off between the tries of a job that failed for a transient reason (InfluxDB unreachable);
    /// one try per entry, then the job fails and the sweep takes the file again. Null = 60, 300, 900, 1800, 3600.</summary>
    public int[]? RetryDelaysSeconds { get; set; }

    public IReadOnlyList<int> RetryDelays => RetryDelaysSeconds is { Length: > 0 } d ? d : [60, 300, 900, 1800, 3600];
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

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
