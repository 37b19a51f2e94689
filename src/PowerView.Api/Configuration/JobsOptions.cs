namespace PowerView.Api.Configuration;

/// <summary>Section <c>Jobs</c>: Hangfire storage and workers.</summary>
internal sealed class JobsOptions
{
    public const string SectionName = "Jobs";

    /// <summary><c>InMemory</c> (one instance) or <c>PostgreSql</c> (several; <c>ConnectionStrings:Hangfire</c>).</summary>
    public string Storage { get; set; } = "InMemory";

    /// <summary>Hangfire workers; 0 = Hangfire's default (5 per core, at most 20).</summary>
    public int WorkerCount { get; set; }
}
