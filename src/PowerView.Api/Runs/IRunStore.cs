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

    Task<RunReport?> GetAsync(string id, CancellationToken cancellationToken);

    Task<bool> PingAsync(CancellationToken cancellationToken);
}
