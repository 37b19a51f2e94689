using PowerView.Api.Runs.Contracts;

namespace PowerView.Api.Runs.Storage;

/// <summary>
/// The durable record of every run, behind the monitoring API. Embedded SQLite by default; a shared database
/// (several instances) implements the same interface.
/// </summary>
internal interface IRunStore
{
    /// <summary>Creates the schema or brings it to the current version (numbered migrations).</summary>
    Task InitializeAsync(CancellationToken cancellationToken);

    /// <summary>Stores a finished run and updates its campaign, device and daily summaries in the same transaction.</summary>
    Task RecordAsync(RunRecord run, CancellationToken cancellationToken);

    /// <summary>How many runs a file (company/campaign/device/name) already had: the next one is attempt n+1.</summary>
    Task<int> CountFileRunsAsync(string company, string campaign, string deviceFolder, string fileName, CancellationToken cancellationToken);

    /// <summary>
    /// Deletes the runs started before <paramref name="cutoff"/> (retention). Campaign, device and daily summaries
    /// stay as they are: their counters are lifetime totals. Returns how many runs went.
    /// </summary>
    Task<int> DeleteRunsStartedBeforeAsync(DateTimeOffset cutoff, CancellationToken cancellationToken);

    Task<RunDetail?> GetAsync(string id, CancellationToken cancellationToken);

    Task<bool> PingAsync(CancellationToken cancellationToken);

    /// <summary>
    /// The right to run <paramref name="task"/> (the retention, say) now, exclusive among every process that shares this
    /// store; null when another holds it. Released when disposed, and when the holder's process ends.
    /// </summary>
    Task<IAsyncDisposable?> TryLeaseAsync(string task, CancellationToken cancellationToken);

    /// <summary>Runs matching the query, newest first, at most <see cref="RunQuery.Limit"/>.</summary>
    Task<IReadOnlyList<RunSummary>> ListRunsAsync(RunQuery query, CancellationToken cancellationToken);

    /// <summary>One row per known company/campaign, sorted by company then campaign.</summary>
    Task<IReadOnlyList<CampaignSummary>> ListCampaignsAsync(CampaignQuery query, CancellationToken cancellationToken);

    /// <summary>A campaign with its devices; null when no run ever named it.</summary>
    Task<CampaignDetail?> GetCampaignAsync(string company, string campaign, CancellationToken cancellationToken);

    /// <summary>Ingestion totals per UTC day between the days of <see cref="DailyQuery.From"/> and <see cref="DailyQuery.To"/>, oldest first; days without runs are left out.</summary>
    Task<IReadOnlyList<DailyStats>> DailyStatsAsync(DailyQuery query, CancellationToken cancellationToken);
}

/// <summary>Which runs to list. Empty lists mean "all"; several values are OR-ed.</summary>
internal sealed record RunQuery
{
    public const int DefaultLimit = 100;
    public const int MaxLimit = 1000;

    public IReadOnlyList<string> Companies { get; init; } = [];

    public IReadOnlyList<string> Campaigns { get; init; } = [];

    public IReadOnlyList<string> Devices { get; init; } = [];

    public IReadOnlyList<string> Files { get; init; } = [];

    public IReadOnlyList<RunStatus> Statuses { get; init; } = [];

    public IReadOnlyList<RunKind> Kinds { get; init; } = [];

    /// <summary>Runs started at or after this instant.</summary>
    public DateTimeOffset? From { get; init; }

    /// <summary>Runs started at or before this instant.</summary>
    public DateTimeOffset? To { get; init; }

    public int Limit { get; init; } = DefaultLimit;
}

/// <summary>Which campaigns to list; empty lists mean "all".</summary>
internal sealed record CampaignQuery
{
    public IReadOnlyList<string> Companies { get; init; } = [];

    public IReadOnlyList<string> Campaigns { get; init; } = [];
}

/// <summary>Which days to sum; empty lists mean "all".</summary>
internal sealed record DailyQuery
{
    public IReadOnlyList<string> Companies { get; init; } = [];

    public IReadOnlyList<string> Campaigns { get; init; } = [];

    public required DateTimeOffset From { get; init; }

    public required DateTimeOffset To { get; init; }
}
