namespace PowerView.Api.Runs;

/// <summary>
/// The durable record of every run, behind the monitoring API. Embedded SQLite by default; the interface
/// is what a shared database (several instances) would implement.
/// </summary>
internal interface IRunStore
{
    Task InitializeAsync(CancellationToken cancellationToken);

    /// <summary>Stores a finished run and updates its campaign and device summaries.</summary>
    Task RecordAsync(RunReport report, CancellationToken cancellationToken);

    /// <summary>How many runs a file (company/campaign/device/name) already had: the next one is attempt n+1.</summary>
    Task<int> CountFileRunsAsync(string company, string campaign, string deviceFolder, string fileName, CancellationToken cancellationToken);

    /// <summary>
    /// Deletes the runs started before <paramref name="cutoff"/> (retention). Campaign, device and daily summaries
    /// stay as they are: their counters are lifetime totals. Returns how many runs went.
    /// </summary>
    Task<int> DeleteRunsStartedBeforeAsync(DateTimeOffset cutoff, CancellationToken cancellationToken);

    Task<RunReport?> GetAsync(string id, CancellationToken cancellationToken);

    Task<bool> PingAsync(CancellationToken cancellationToken);

    /// <summary>Runs matching the query, newest first, at most <see cref="RunQuery.Limit"/>.</summary>
    Task<IReadOnlyList<RunSummary>> ListRunsAsync(RunQuery query, CancellationToken cancellationToken);

    /// <summary>One row per known company/campaign, sorted by company then campaign.</summary>
    Task<IReadOnlyList<CampaignSummary>> ListCampaignsAsync(CampaignQuery query, CancellationToken cancellationToken);

    /// <summary>A campaign with its devices; null when no run ever named it.</summary>
    Task<CampaignDetail?> GetCampaignAsync(string company, string campaign, CancellationToken cancellationToken);

    /// <summary>Ingestion totals per UTC day between the days of <see cref="DailyQuery.From"/> and <see cref="DailyQuery.To"/>, oldest first; days without runs are left out.</summary>
    Task<IReadOnlyList<DailyStats>> DailyStatsAsync(DailyQuery query, CancellationToken cancellationToken);
}
