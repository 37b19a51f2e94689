namespace PowerView.Api.Configuration;

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
