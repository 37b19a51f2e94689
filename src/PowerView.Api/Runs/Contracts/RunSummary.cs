using System.ComponentModel;

namespace PowerView.Api.Runs.Contracts;

/// <summary>
/// One row of <c>/api/runs</c> and <c>/api/errors</c>: the run's counters without its channels, metadata and
/// warnings (those are in <c>/api/runs/{id}</c>). Flat, every key always present, so a Grafana table or a script
/// can rely on the shape.
/// </summary>
internal record RunSummary : RunCounters
{
    /// <summary>For the store's row reader.</summary>
    public RunSummary()
    {
    }

    protected RunSummary(RunRecord run)
        : base(run.Counters)
    {
        Id = run.Id;
        Kind = run.Kind;
        Trigger = run.Trigger;
        Status = run.Status;
        Company = run.Company;
        Campaign = run.Campaign;
        DeviceMasterSn = run.DeviceMasterSn;
        FileName = run.FileName;
        StartedAt = run.StartedAt;
        FinishedAt = run.FinishedAt;
        DurationMs = run.DurationMs;
        Attempt = run.Attempt;
        Format = run.Format;
        TimeStart = run.TimeStart;
        TimeEnd = run.TimeEnd;
        Error = run.Error;
        MovedTo = run.MovedTo;
        Step = run.Step;
        Message = run.Message;
    }

    [Description("Run id (time-ordered); /api/runs/{id} has the full report.")]
    public string Id { get; init; } = "";

    public RunKind Kind { get; init; }

    public RunTrigger Trigger { get; init; }

    public RunStatus Status { get; init; }

    public string? Company { get; init; }

    public string? Campaign { get; init; }

    [Description("The device folder the file was uploaded to.")]
    public string? DeviceMasterSn { get; init; }

    public string? FileName { get; init; }

    public DateTimeOffset StartedAt { get; init; }

    public DateTimeOffset FinishedAt { get; init; }

    public long DurationMs { get; init; }

    [Description("1 for the first run of a file, then 2, 3, ...")]
    public int Attempt { get; init; }

    [Description("File format found, e.g. MV_T302_V002.")]
    public string? Format { get; init; }

    [Description("First timestamp of the file's data.")]
    public DateTimeOffset? TimeStart { get; init; }

    [Description("Last timestamp of the file's data.")]
    public DateTimeOffset? TimeEnd { get; init; }

    [Description("Why the run failed or was deferred; null otherwise.")]
    public string? Error { get; init; }

    [Description("Where the file went, relative to the data root (parsed/ or error/); null when it stayed.")]
    public string? MovedTo { get; init; }

    [Description("Provisioning: the step reached.")]
    public string? Step { get; init; }

    [Description("Provisioning: what was done; a skipped ingestion: why the file waits.")]
    public string? Message { get; init; }

    public static RunSummary From(RunRecord run) => new(run);
}
